"""The staff pages of the reports, early intervention and retention in a real browser: axe-core
finds nothing, at a desktop's width and a phone's, with their error states, and nothing scrolls
sideways."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from intervention.models import Flag, InterventionRule
from intervention.services import flags_raise
from staff import roles
from tests.factories import EmployeeFactory
from tests.history import received_case
from tests.staff import staff_member

from .staff_pages import sideways_overflow, sign_in, sticking_out
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]


def test_the_commanders_accountability_pages_have_no_axe_violation(context_for):
    commander = staff_member(roles.BPS_COMMANDER, "bps-general", username="carla")
    InterventionRule.objects.all().delete()  # the installed ones, if this database has them
    InterventionRule.objects.create(name="Two in a year", kind="complaints", threshold=2)
    officer = EmployeeFactory(dsn="5101")
    now = timezone.now()
    for days in (5, 40, 400):
        received_case(
            on=now - timedelta(days=days),
            employees=["5101"],
            ended=Case.Status.CLOSED,
            days_to_close=3,
            findings={"discourtesy": "sustained"},
        )
    received_case(
        on=now - timedelta(days=9), employees=["5101"], categories=["criminal_misconduct"]
    )  # confidential, not the commander's queue
    received_case(on=now - timedelta(days=5 * 366), ended=Case.Status.MEDIATED, days_to_close=2)
    flags_raise()
    flag = Flag.objects.get()

    page = context_for(bypass_csp=True)
    sign_in(page, commander)
    found, overflow = {}, {}
    urls = [
        "/staff/reports/",
        f"/staff/reports/?year={now.year - 1}",
        "/staff/reports/?year=nineteen",
        "/staff/reports/print/",
        "/staff/intervention/",
        f"/staff/intervention/flags/{flag.pk}/",
        f"/staff/intervention/employees/{officer.pk}/",
        "/staff/retention/",
    ]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            page.goto(url)
            found[f"{url} {width}"] = violations(page)
            if sideways_overflow(page):
                overflow[f"{url} {width}"] = sticking_out(page)
        page.goto(f"/staff/intervention/flags/{flag.pk}/")
        page.get_by_role("button", name="Save").press("Enter")
        page.wait_for_selector("#error-summary")
        found[f"flag with errors {width}"] = violations(page)
        page.goto("/staff/retention/")
        page.get_by_role("button", name="Place the hold").press("Enter")
        page.wait_for_selector("#error-summary")
        found[f"hold with errors {width}"] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)
    assert overflow == {}, json.dumps(overflow, indent=1)
