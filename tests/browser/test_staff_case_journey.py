"""An investigator signs in with a second factor, finds a new use-of-force case, takes it,
records a finding; the commander approves and closes it. Real Chromium, real pages."""

import re

import pytest

from cases.models import Case
from intake.models import Submission
from notices.models import Notice
from staff import roles
from staff.models import Queue
from tests.cases.conftest import routed_complaint
from tests.factories import EmployeeFactory
from tests.staff import staff_member

from .staff_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]


def test_a_use_of_force_case_is_worked_from_sign_in_to_closed(page):
    EmployeeFactory(dsn="4242", email="officer@police.example")
    routed_complaint(narrative="A parking complaint about noise.")  # another case in the list
    submission = routed_complaint(
        categories=["use_of_force"],
        narrative="The officer slammed me onto the hood of the car.",
        submitter_email="dana@example.com",
        employees=[{"badge": "4242"}],
    )
    investigator = staff_member(roles.INVESTIGATOR, "use-of-force", "bps-general", username="vic")
    bps = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    commander = staff_member(roles.BPS_COMMANDER, *bps, username="carla")

    sign_in(page, investigator)
    page.get_by_role("navigation", name="Staff workspace").get_by_role("link", name="Cases").click()
    page.get_by_label("Allegation").select_option("use_of_force")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=submission.tracking_number).click()
    page.get_by_text("The officer slammed me").wait_for()

    page.locator("summary", has_text="Assign").click()
    page.get_by_role("button", name="Assign to me").click()
    page.locator("#assignee", has_text="vic").wait_for()
    page.get_by_role("button", name="Open the investigation").click()
    page.locator("select[name^=finding_]").select_option("sustained")
    page.get_by_role("button", name="Save findings").click()
    page.get_by_text("Findings saved.").wait_for()
    page.get_by_role("button", name="Submit findings").click()
    page.get_by_role("heading", name=re.compile("Findings submitted")).wait_for()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, commander)
    page.goto(f"/staff/cases/{Case.objects.get(submission=submission).pk}/")
    page.get_by_role("button", name="Approve findings").click()
    page.get_by_role("heading", name=re.compile("Approved by the commander")).wait_for()
    page.get_by_role("button", name="Close").click()
    page.get_by_role("heading", name=re.compile("Closed")).wait_for()

    case = Case.objects.get(submission=submission)
    assert case.status == Case.Status.CLOSED
    assert case.assignee == investigator
    assert case.allegations.get().finding == "sustained"
    assert Submission.objects.get(pk=submission.pk).public_stage == "closed"
    assert Notice.objects.filter(
        submission=submission, kind=Notice.Kind.COMPLAINT_EMPLOYEE
    ).exists()
    assert Notice.objects.filter(submission=submission, kind=Notice.Kind.OUTCOME).exists()
    actions = list(case.audit.values_list("action", flat=True))
    for step in ("case.assign", "case.open", "case.record_findings", "case.approve", "case.close"):
        assert step in actions
