"""A form that met a server error: the error page shows what was typed, and the form page
fills it in again from the browser tab, with the same form key, so it is sent exactly once."""

import re

import pytest

from intake import views
from intake.models import Submission

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]

NARRATIVE = "The officer at the gas station on Lindbergh shouted at my son."


def test_what_was_typed_survives_a_server_error_and_is_sent_once(page, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug on the way to the database")

    working = views.submission_receive
    monkeypatch.setattr(views, "submission_receive", broken)
    page.goto("/complaint/")
    page.locator('[name="narrative"]').fill(NARRATIVE)
    page.locator('[name="submitter_name"]').fill("Dana Whitfield")
    page.locator('[name="declaration"]').check()
    key = page.locator('[name="idempotency_key"]').input_value()
    page.get_by_role("button", name="Send complaint").click()

    page.wait_for_selector("#typed")
    assert page.locator("h1").inner_text() == "Something went wrong on our side"
    assert NARRATIVE in page.locator("#typed").input_value()

    # Fixed; the resident opens the form again and finds it filled in.
    monkeypatch.setattr(views, "submission_receive", working)
    page.goto("/complaint/")
    assert page.locator("#restored-notice").is_visible()
    assert page.locator('[name="narrative"]').input_value() == NARRATIVE
    assert page.locator('[name="submitter_name"]').input_value() == "Dana Whitfield"
    assert page.locator('[name="declaration"]').is_checked()
    assert page.locator('[name="idempotency_key"]').input_value() == key
    page.get_by_role("button", name="Send complaint").click()
    page.wait_for_url(re.compile(r"/received/"))

    # Sent: nothing is filled in any more, and it was stored once.
    page.goto("/complaint/")
    assert not page.locator("#restored-notice").is_visible()
    assert page.locator('[name="narrative"]').input_value() == ""
    assert Submission.objects.get().idempotency_key == key


def test_a_form_sent_empty_and_opened_again_does_not_claim_to_have_kept_anything(page):
    """The language chosen for the page and the other choices it comes with were not typed:
    opening the form again after sending it empty says nothing was kept."""
    page.goto("/complaint/")
    page.get_by_role("button", name="Send complaint").click()
    page.wait_for_selector("#error-summary")
    page.goto("/complaint/")
    assert not page.locator("#restored-notice").is_visible()
    page.locator('[name="submitter_name"]').fill("Dana Whitfield")
    page.get_by_role("button", name="Send complaint").click()
    page.wait_for_selector("#error-summary")
    page.goto("/complaint/")
    assert page.locator("#restored-notice").is_visible()
    assert page.locator('[name="submitter_name"]').input_value() == "Dana Whitfield"
