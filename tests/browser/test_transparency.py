"""The transparency page in a real browser: axe-core clean in three languages, usable with the
keyboard alone, and laid out for a 390 px phone."""

import json

import pytest
from django.utils import timezone

from cases.models import Case
from reports.transparency import transparency_refresh
from tests.factories import EmployeeFactory
from tests.history import at, commendation_received, received_case

from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]
YEAR = timezone.localdate().year - 1


@pytest.fixture
def published(transactional_db):
    EmployeeFactory(dsn="5101")
    for month in range(1, 13):
        received_case(
            on=at(YEAR, month, 4),
            categories=["use_of_force"] if month % 3 else ["bias"],
            employees=["5101"],
            ended=Case.Status.CLOSED,
            days_to_close=30 + month,
            findings={"use_of_force": "sustained" if month < 4 else "unfounded"},
        )
    received_case(on=at(YEAR, 2, 8), channel="phone")
    commendation_received(on=at(YEAR, 3, 3), badge="5101", share=True, text="Thank you.")
    transparency_refresh()
    return f"/transparency/{YEAR}/"


@pytest.mark.parametrize("locale", ["en-US", "es-ES", "bs-BA"])
def test_the_transparency_pages_have_no_axe_violation(context_for, published, locale):
    page = context_for(locale=locale, bypass_csp=True)
    found = {}
    for name, url in {"figures": published, "dictionary": "/transparency/data-dictionary/"}.items():
        page.goto(url)
        found[name] = violations(page)
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_every_table_can_be_reached_and_scrolled_with_the_keyboard(context_for, published):
    page = context_for(viewport={"width": 390, "height": 800}, is_mobile=True)
    page.goto(published)
    regions = page.locator(".table-scroll").count()
    assert regions >= 8
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.classList.contains('table-scroll') ? "
            "document.activeElement.getAttribute('aria-labelledby') : null"
        )
        if focused:
            reached.add(focused)
    assert len(reached) == regions
    # The findings table is wider than a phone: the arrow keys scroll its region.
    findings = page.locator(".table-scroll[aria-labelledby=t-findings]")
    assert findings.evaluate("e => e.scrollWidth > e.clientWidth")
    findings.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("e => e.scrollLeft > 0", arg=findings.element_handle())


def test_the_page_fits_a_390_pixel_phone(context_for, published):
    page = context_for(viewport={"width": 390, "height": 800}, is_mobile=True)
    for url in [published, "/transparency/data-dictionary/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
