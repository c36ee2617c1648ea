"""Each role, in a real browser at a desktop's 1280 px and a phone's 390 px: sign in, land on
its own home, do one piece of its work; no page on the way scrolls sideways."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Case
from commendations.models import Commendation
from intake.models import Submission
from intake.services import SubmissionData, submission_create
from staff import roles
from staff.models import Queue
from tests.cases.conftest import routed_complaint
from tests.factories import EmployeeFactory, routed_compliment
from tests.staff import staff_member

from .staff_pages import sideways_overflow, sign_in, sticking_out

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]
WIDTHS = [1280, 390]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, context_for):
    width = request.param
    page = context_for(viewport={"width": width, "height": 900}, is_mobile=width < 600)
    page.width = width
    return page


def assert_fits(page, where: str) -> None:
    page.wait_for_load_state("load")  # measured with its stylesheets applied
    overflow = sideways_overflow(page)
    assert overflow == 0, f"{where} scrolls sideways at {page.width} px: {sticking_out(page)}"


def bps(*slugs):
    return slugs or tuple(Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True))


def test_the_investigator_takes_an_unassigned_case_from_the_home(screen):
    page = screen
    investigator = staff_member(roles.INVESTIGATOR, "use-of-force", username="vic")
    submission = routed_complaint(
        categories=["use_of_force"],
        narrative="He pushed me against the car.",
        submitter_email="dana.resident.with.a.long.address@example.com",
        employees=[{"name": "Officer with a remarkably long description of a name"}],
    )
    sign_in(page, investigator)
    assert_fits(page, "the home")
    panel = page.locator("#panel-unassigned-mine")
    panel.get_by_role("link", name=submission.tracking_number).click()
    page.get_by_text("He pushed me against the car.").wait_for()
    assert_fits(page, "the case page")
    page.locator("summary", has_text="Assign").click()
    page.get_by_role("button", name="Assign to me").click()
    page.locator("#assignee", has_text="vic").wait_for()
    assert_fits(page, "the case page after assigning")
    assert Case.objects.get(submission=submission).assignee == investigator
    page.get_by_role("link", name="Home", exact=True).click()
    page.locator("#panel-mine").get_by_role("link", name=submission.tracking_number).wait_for()


def test_the_commander_approves_findings_from_the_home(screen):
    page = screen
    investigator = staff_member(roles.INVESTIGATOR, *bps(), username="vic")
    commander = staff_member(roles.BPS_COMMANDER, *bps(), username="carla")
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    case = workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    allegation = case.allegations.get()
    case = workflow.allegation_findings_record(
        case=case, version=case.version, actor=investigator, findings={allegation.pk: "sustained"}
    )
    workflow.case_findings_submit(case=case, version=case.version, actor=investigator)
    late = Case.objects.get(submission=routed_complaint(categories=["bias"]))
    Case.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=2))

    sign_in(page, commander)
    assert_fits(page, "the home")
    page.locator("#panel-overdue-by-investigator").get_by_text("Nobody yet").wait_for()
    page.locator("#panel-to-approve").get_by_role(
        "link", name=case.submission.tracking_number
    ).click()
    page.get_by_role("button", name="Approve findings").click()
    page.get_by_role("heading", name=re.compile("Approved by the commander")).wait_for()
    assert_fits(page, "the case page")
    page.get_by_role("link", name="Printable case file").click()
    page.get_by_role("heading", name=re.compile("Case file")).wait_for()
    assert_fits(page, "the printable case file")


def test_the_case_list_fits_with_a_confidential_case_among_them(screen):
    """On a phone each case is a card: a tracking number and its "confidential" tag, kept on
    one line in the desktop's column, wrap in the card instead of widening the page."""
    page = screen
    commander = staff_member(roles.BPS_COMMANDER, *bps(), username="carla")
    submission = routed_complaint(categories=["use_of_force"])
    Case.objects.filter(submission=submission).update(confidential=True)
    sign_in(page, commander)
    page.get_by_role("link", name="Cases", exact=True).click()
    page.locator("#cases").get_by_role("link", name=submission.tracking_number).wait_for()
    page.locator("#cases .tag", has_text="confidential").wait_for()
    assert_fits(page, "the case list")


def test_the_chiefs_office_confirms_an_employee_from_the_home(screen):
    page = screen
    chief = staff_member(roles.CHIEFS_OFFICE, "chiefs-office", username="charles")
    EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales")
    submission = routed_compliment(
        narrative="She was patient with my mother.",
        employees=[{"name": "the officer at the fair"}],
    ).submission
    sign_in(page, chief)
    assert_fits(page, "the home")
    page.locator("#panel-to-confirm").get_by_role("link", name=submission.tracking_number).click()
    page.get_by_label(re.compile("DSN")).fill("1003")
    page.get_by_role("button", name="Confirm the employee").click()
    page.wait_for_selector("#messages")
    assert_fits(page, "the commendation")
    assert Commendation.objects.get(submission=submission).employee.dsn == "1003"


def test_the_intake_coordinator_releases_a_held_submission(screen):
    page = screen
    coordinator = staff_member(roles.INTAKE_COORDINATOR, *bps(), username="irene")
    held = submission_create(
        data=SubmissionData(kind="complaint", narrative="Cheap pills http://a http://b"),
        quarantine_reason="links in the text",
    ).submission
    sign_in(page, coordinator)
    assert_fits(page, "the home")
    page.locator("#panel-quarantine").get_by_text(held.tracking_number).wait_for()
    page.locator("#panel-quarantine").get_by_role(
        "link", name=re.compile("See the full list")
    ).click()
    assert_fits(page, "the quarantine page")
    page.get_by_role("button", name=f"Release {held.tracking_number}").click()
    page.get_by_text(f"{held.tracking_number} was released for routing.").wait_for()
    assert Submission.objects.get(pk=held.pk).quarantine_decision == "released"


def test_the_auditor_searches_the_trail_from_the_home(screen):
    page = screen
    auditor = staff_member(roles.AUDITOR, username="audrey")
    commander = staff_member(roles.BPS_COMMANDER, *bps(), username="carla")
    case = Case.objects.get(submission=routed_complaint(categories=["criminal_misconduct"]))
    workflow.case_triage(case=case, version=case.version, actor=commander)
    sign_in(page, auditor)
    assert_fits(page, "the home")
    page.get_by_label("Action").select_option(label="Started triage")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/staff/audit/\?"))
    table = page.locator("#audit")
    table.get_by_role("link", name=case.submission.tracking_number).wait_for()
    assert table.locator("tbody tr").count() == 1
    assert_fits(page, "the audit search")


def test_the_administrator_reaches_the_roster_from_the_home(screen):
    page = screen
    administrator = staff_member(
        roles.ADMINISTRATOR, username="adam", is_staff=True, is_superuser=True
    )
    sign_in(page, administrator)
    assert_fits(page, "the home")
    page.get_by_role("link", name="Roster: employees").click()
    page.wait_for_url(re.compile(r"/admin/directory/employee/"))


def test_the_case_page_works_without_javascript(context_for):
    """Every action is a plain form: with JavaScript off, an investigator takes a case, opens
    the investigation, records a finding and writes a note."""
    page = context_for(java_script_enabled=False)
    page.width = 1280
    investigator = staff_member(roles.INVESTIGATOR, "use-of-force", username="vic")
    submission = routed_complaint(categories=["use_of_force"], narrative="He pushed me.")
    sign_in(page, investigator)
    page.locator("#panel-unassigned-mine").get_by_role(
        "link", name=submission.tracking_number
    ).click()
    page.locator("summary", has_text="Assign").click()
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_role("button", name="Open the investigation").click()
    page.locator("select[name^=finding_]").select_option("sustained")
    page.get_by_role("button", name="Save findings").click()
    page.get_by_text("Findings saved.").wait_for()
    page.get_by_role("textbox", name="Internal note").fill("Spoke to the witness.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Note saved.").wait_for()
    case = Case.objects.get(submission=submission)
    assert case.status == Case.Status.INVESTIGATING
    assert case.allegations.get().finding == "sustained"
    assert case.notes.get().body == "Spoke to the witness."
    assert_fits(page, "the case page")
