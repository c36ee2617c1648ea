import pytest

from cases import roles
from routing.models import Queue
from routing.services import submission_route
from tests.factories import complaint
from tests.staff import current_code, sign_in, staff_member

__all__ = ["current_code", "sign_in", "staff_member", "routed_complaint"]


def routed_complaint(**kwargs):
    receipt = complaint(**kwargs)
    submission_route(submission_id=receipt.submission.pk)
    receipt.submission.refresh_from_db()
    return receipt.submission


@pytest.fixture
def investigator(db):
    return staff_member(roles.INVESTIGATOR, "use-of-force", "bps-general", username="vic")


@pytest.fixture
def commander(db):
    slugs = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    return staff_member(roles.BPS_COMMANDER, *slugs, username="carla")


@pytest.fixture
def intake_coordinator(db):
    slugs = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    return staff_member(roles.INTAKE_COORDINATOR, *slugs, username="irene")


@pytest.fixture
def auditor(db):
    return staff_member(roles.AUDITOR, username="audrey")


@pytest.fixture
def administrator(db):
    return staff_member(roles.ADMINISTRATOR, username="adam", is_staff=True, is_superuser=True)
