import pytest

from staff import roles
from tests.history import at, commendation_received, received_case
from tests.staff import sign_in, staff_member

__all__ = ["sign_in", "staff_member", "received_case", "commendation_received", "at"]


@pytest.fixture
def commander(db):
    return staff_member(roles.BPS_COMMANDER, username="carla")


@pytest.fixture
def auditor(db):
    return staff_member(roles.AUDITOR, username="audrey")


@pytest.fixture
def chief(db):
    return staff_member(roles.CHIEFS_OFFICE, "chiefs-office", username="charles")
