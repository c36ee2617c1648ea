"""The idle warning: shown before the session ends, and "Stay signed in" renews it."""

import re

import pytest

from staff import roles
from tests.staff import staff_member

from .test_staff_case_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]


def test_the_idle_warning_appears_and_stay_signed_in_renews_the_session(page, settings):
    # Two minutes of warning plus three seconds: the warning shows three seconds after load.
    settings.CANDOR_STAFF_IDLE_SECONDS = 123
    investigator = staff_member(roles.INVESTIGATOR, "use-of-force")
    sign_in(page, investigator)
    warning = page.locator("#session-warning")
    assert warning.is_hidden()
    warning.wait_for(state="visible", timeout=10_000)
    assert "two minutes" in warning.inner_text()
    with page.expect_response(re.compile(r"/staff/session/keep-alive/")) as renewal:
        page.get_by_role("button", name="Stay signed in").click()
    assert renewal.value.json() == {"idle_seconds_left": 123}
    warning.wait_for(state="hidden")
