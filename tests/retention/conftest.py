import pytest

from staff import roles
from tests.staff import sign_in, staff_member

__all__ = ["sign_in", "staff_member"]


@pytest.fixture
def commander(db):
    return staff_member(roles.BPS_COMMANDER, username="carla")


@pytest.fixture
def auditor(db):
    return staff_member(roles.AUDITOR, username="audrey")
