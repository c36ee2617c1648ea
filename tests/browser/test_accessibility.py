"""axe-core (shipped by the axe-playwright-python package) on every public page, in each
language, with the WCAG 2.0/2.1/2.2 A and AA rules."""

import json
from pathlib import Path

import pytest

from intake.services import SubmissionData, submission_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_source() -> Path:
    axe = pytest.importorskip("axe_playwright_python")
    return Path(axe.__file__).parent / "axe.min.js"


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(axe_source()))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("locale", ["en-US", "es-ES", "bs-BA"])
def test_every_public_page_has_no_axe_violation(context_for, locale):
    receipt = submission_create(data=SubmissionData(kind="complaint", narrative="Test."))
    token = receipt.status_token
    page = context_for(locale=locale, bypass_csp=True)
    pages = {
        "home": "/",
        "complaint": "/complaint/",
        "compliment": "/compliment/",
        "received": f"/received/{token}/",
        "status": f"/status/{token}/",
        "not found": "/status/wrong-token/",
    }
    found = {}
    for name, url in pages.items():
        page.goto(url)
        found[name] = violations(page)
    # Pages showing errors: the complaint and the compliment sent empty.
    for name, url, button in [
        ("complaint with errors", "/complaint/", 0),
        ("compliment with errors", "/compliment/", 0),
    ]:
        page.goto(url)
        page.locator("button#submit").nth(button).press("Enter")
        page.wait_for_selector("#error-summary")
        found[name] = violations(page)
    page.goto(f"/status/{token}/")
    page.locator("button[type=submit]").last.press("Enter")
    page.wait_for_selector("#error-summary")
    found["status with errors"] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_pages_stay_usable_at_200_percent_zoom(context_for):
    # 200% zoom of a 1280 px window lays out like a 640 px one at twice the size.
    page = context_for(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    for url in ["/", "/complaint/", "/compliment/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, url


def test_targets_are_at_least_24_pixels(context_for):
    page = context_for()
    page.goto("/complaint/")
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, input:not([type=hidden]), select, a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.name || e.id || e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([n]) => n)"""
    )
    assert small == []


def test_every_staff_page_has_no_axe_violation(context_for):
    """The staff side too: the sign-in pages, and every page of each role's menu with its
    common states (a case being worked, a form shown with errors), at a desktop's width and a
    phone's."""
    from cases import workflow
    from cases.models import Case
    from cases.services import case_message_send
    from intake.models import Message
    from notices.models import Notice, PaperLetter
    from routing.services import submission_route
    from staff import roles
    from staff.models import Queue
    from tests.cases.conftest import routed_complaint
    from tests.factories import EmployeeFactory
    from tests.staff import staff_member

    from .staff_pages import sign_in

    bps = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    investigator = staff_member(roles.INVESTIGATOR, *bps, username="vic")
    commander = staff_member(roles.BPS_COMMANDER, *bps, username="carla")
    coordinator = staff_member(roles.INTAKE_COORDINATOR, *bps, username="irene")
    chief = staff_member(roles.CHIEFS_OFFICE, "chiefs-office", username="charles")
    auditor = staff_member(roles.AUDITOR, username="audrey")
    EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales")
    submission = routed_complaint(
        categories=["use_of_force"],
        submitter_email="dana@example.com",
        submitter_address="12 Elm St",
        employees=[{"badge": "1003"}, {"name": "tall officer"}],
    )
    case = Case.objects.get(submission=submission)
    case = workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    case_message_send(case=case, actor=investigator, body="Can you call us?")
    Message.objects.create(submission=submission, author=Message.Author.SUBMITTER, body="Yes.")
    PaperLetter.objects.create(
        notice=Notice.objects.get(submission=submission, kind=Notice.Kind.ACKNOWLEDGEMENT),
        submission=submission,
        address="12 Elm St",
    )
    submission_create(
        data=SubmissionData(kind="complaint", narrative="spam http://a http://b"),
        quarantine_reason="links",
    )
    compliment = submission_create(
        data=SubmissionData(kind="compliment", narrative="Kind.", employees=[])
    ).submission
    submission_route(submission_id=compliment.pk)

    pages = {
        investigator: ["/staff/", "/staff/queues/", "/staff/cases/", f"/staff/cases/{case.pk}/"],
        commander: [
            "/staff/",
            f"/staff/cases/{case.pk}/",
            f"/staff/cases/{case.pk}/print/",
            "/staff/cases/?q=nothing-matches",
        ],
        coordinator: ["/staff/", "/staff/intake/", "/staff/quarantine/", "/staff/letters/"],
        chief: [
            "/staff/",
            "/staff/commendations/",
            f"/staff/commendations/{compliment.commendation.pk}/",
        ],
        auditor: ["/staff/", "/staff/audit/", "/staff/audit/?action=case.open"],
    }
    found = {}
    login = context_for(bypass_csp=True)
    for width in (1280, 390):
        login.set_viewport_size({"width": width, "height": 900})
        login.goto("/staff/login/")
        found[f"sign-in {width}"] = violations(login)
    for user, urls in pages.items():
        page = context_for(bypass_csp=True)
        sign_in(page, user)  # once: an authenticator code is good for one sign-in
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                page.goto(url)
                found[f"{user.username} {url} {width}"] = violations(page)
            if user == coordinator:
                page.goto("/staff/intake/")
                page.locator("button#submit").press("Enter")
                page.wait_for_selector("#error-summary")
                found[f"staff complaint with errors {width}"] = violations(page)
            if user == investigator:
                page.goto(f"/staff/cases/{case.pk}/")
                page.get_by_role("textbox", name="Internal note").fill("   ")  # blank, trimmed
                page.get_by_role("button", name="Save note").press("Enter")
                page.get_by_text("This field is required.").wait_for()
                found[f"case page with an error {width}"] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)
