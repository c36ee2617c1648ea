"""The Chief's office, in a real browser: confirm who a compliment is about, by keyboard."""

import re

import pytest
from django.conf import settings
from django.test import Client

from commendations.models import Commendation
from notices.models import Notice
from tests.factories import EmployeeFactory, member_of, routed_compliment
from tests.staff import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("routing_defaults")]


def signed_in(page, user, live_server):
    """Sign the browser in as this user (the sign-in page itself is the workspace's)."""
    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_chiefs_office_confirms_the_employee_and_sees_the_notices_queued(page, live_server):
    chief = member_of("chiefs-office", username="chief", first_name="Charles")
    signed_in(page, chief, live_server)
    sergeant = EmployeeFactory(dsn="1002", first_name="Dwayne", last_name="Fletcher")
    officer = EmployeeFactory(
        dsn="1003", first_name="Ana", last_name="Morales", supervisor=sergeant
    )
    EmployeeFactory(dsn="1010", first_name="Anna", last_name="Moralis")
    submission = routed_compliment(
        narrative="Officer Morales was patient with my mother.", employees=[{"name": "Morales"}]
    ).submission

    page.goto("/staff/commendations/")
    page.get_by_role("link", name=submission.tracking_number).click()
    page.get_by_label(re.compile(r"Ana Morales \(1003\)")).check()
    page.get_by_role("button", name="Confirm the employee").press("Enter")
    page.wait_for_selector("#messages")
    assert "Ana Morales" in page.locator("#employee").inner_text()
    assert page.locator("#notices").get_by_text("Commendation to the supervisor").is_visible()
    assert Commendation.objects.get(submission=submission).employee == officer
    assert Notice.objects.filter(kind="commendation_employee", employee=officer).exists()
