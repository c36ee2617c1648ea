import re

import pytest

from intake.models import Submission

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]


def test_resident_files_a_complaint_by_keyboard_and_gets_a_tracking_number(page):
    page.goto("/complaint/")
    page.get_by_label("What happened?").focus()
    page.keyboard.type("The officer shouted at me and would not give his name.")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first category: use of force
    page.get_by_role("button", name="Send complaint").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/received/"))
    number = page.locator("#tracking-number").inner_text()
    assert re.fullmatch(r"C-\d{4}-\d{6}", number)
    assert Submission.objects.get().categories == ["use_of_force"]
