import pytest
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from intake.models import Submission
from intake.services import SubmissionData, submission_create
from staff.roles import BPS_COMMANDER, INTAKE_COORDINATOR, INVESTIGATOR
from tests.factories import UserFactory
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def held(narrative="cheap pills http://a http://b http://c"):
    return submission_create(
        data=SubmissionData(kind="complaint", narrative=narrative),
        quarantine_reason="3 links in the text",
    ).submission


def staff(role):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def test_quarantine_page_needs_a_login(client):
    response = client.get("/staff/quarantine/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_investigator_may_not_judge_quarantine(client):
    sign_in(client, staff(INVESTIGATOR))
    assert client.get("/staff/quarantine/").status_code == 403


@pytest.mark.parametrize("role", [INTAKE_COORDINATOR, BPS_COMMANDER])
def test_coordinator_and_commander_see_the_count_and_the_list(client, role):
    first, second = held(), held("more spam http://x http://y http://z")
    sign_in(client, staff(role))
    page = client.get("/staff/quarantine/").content.decode()
    assert "2 submissions are waiting for a decision." in page
    assert first.tracking_number in page and second.tracking_number in page


def test_quarantine_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    sign_in(client, staff(INTAKE_COORDINATOR))
    held()
    # Sign-in checks (session, second factor) add a few queries of their own; the list adds none
    # per held submission.
    with django_assert_max_num_queries(12) as one:
        client.get("/staff/quarantine/")
    for _n in range(10):
        held()
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/staff/quarantine/")


def test_release_routes_it_and_records_who_did(client, run_on_commit):
    submission = held()
    judge = staff(INTAKE_COORDINATOR)
    sign_in(client, judge)
    with run_on_commit(execute=True) as callbacks:
        client.post(f"/staff/quarantine/{submission.pk}/release/")
    submission.refresh_from_db()
    assert not submission.quarantined
    assert submission.quarantine_decision == "released"
    assert submission.quarantine_decided_by == judge
    assert len(callbacks) == 1  # routing dispatched after commit
    assert submission.routing_state == Submission.RoutingState.QUEUED
    assert AuditEvent.objects.get(submission=submission).action == "quarantine.release"


def test_discard_keeps_it_numbered_and_never_routes_it(client, run_on_commit):
    submission = held()
    sign_in(client, staff(BPS_COMMANDER))
    with run_on_commit(execute=True) as callbacks:
        client.post(f"/staff/quarantine/{submission.pk}/discard/")
    submission.refresh_from_db()
    assert submission.quarantined and submission.quarantine_decision == "discarded"
    assert callbacks == []
    assert submission.routing_state == Submission.RoutingState.PENDING
    page = client.get("/staff/quarantine/").content.decode()
    assert "0 submissions are waiting" in page


def test_release_after_discard_changes_nothing(client):
    submission = held()
    sign_in(client, staff(BPS_COMMANDER))
    client.post(f"/staff/quarantine/{submission.pk}/discard/")
    client.post(f"/staff/quarantine/{submission.pk}/release/")
    submission.refresh_from_db()
    assert submission.quarantine_decision == "discarded" and submission.quarantined


def test_decisions_only_by_post(client):
    submission = held()
    sign_in(client, staff(BPS_COMMANDER))
    assert client.get(f"/staff/quarantine/{submission.pk}/release/").status_code == 405
