"""Staff sign-in: password then TOTP code, enrolment, lockout, time-outs, a new session."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import roles
from staff.signin import SESSION_SEEN_AT
from tests.staff import current_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def password_step(client, user, password=PASSWORD, next_url=""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("staff:login"), data)


def test_a_password_leads_to_the_code_and_the_code_to_the_page(client, investigator):
    response = password_step(client, investigator, next_url=reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:verify"))
    password_session = client.cookies["sessionid"].value
    assert client.get(reverse("cases:list")).status_code == 302  # one factor is not enough

    response = client.post(
        response["Location"], {"token": current_code(investigator), "next": reverse("cases:list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")
    assert client.cookies["sessionid"].value != password_session  # a new session key
    assert client.get(reverse("cases:list")).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client, investigator):
    password_step(client, investigator)
    response = client.post(reverse("staff:verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert client.get(reverse("cases:queues")).status_code == 302


def test_a_user_without_a_device_enrols_an_authenticator(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="newbie")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=roles.INVESTIGATOR)[0])
    password_step(client, user)
    response = client.get(reverse("staff:verify"))
    assert response["Location"].startswith(reverse("staff:enrol"))
    page = client.get(reverse("staff:enrol"))
    assert page.status_code == 200
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("staff:enrol"), {"token": code})
    assert response.status_code == 200  # the recovery codes, shown this once
    assert "Your recovery codes" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("cases:queues")).status_code == 200


def test_repeated_wrong_passwords_lock_the_username_at_that_address(client, investigator):
    for _ in range(5):
        password_step(client, investigator, password="wrong password")
    response = password_step(client, investigator)  # even the right password now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


def test_the_admin_needs_both_factors_too(client, administrator):
    assert client.get("/admin/login/")["Location"].startswith(reverse("staff:login"))
    password_step(client, administrator)
    assert client.get("/admin/")["Location"].startswith(reverse("staff:verify"))
    client.post(reverse("staff:verify"), {"token": current_code(administrator)})
    assert client.get("/admin/").status_code == 200


def test_an_idle_session_ends(client, investigator, settings):
    password_step(client, investigator)
    client.post(reverse("staff:verify"), {"token": current_code(investigator)})
    assert client.get(reverse("cases:queues")).status_code == 200
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - settings.CANDOR_STAFF_IDLE_SECONDS - 1
    session.save()
    response = client.get(reverse("cases:queues"))
    assert response["Location"].startswith(reverse("staff:login"))
    assert "_auth_user_id" not in client.session


def test_pages_renew_the_idle_clock_once_a_thirtieth_of_it_has_passed(
    client, investigator, settings
):
    """Not every page writes the session: the clock is renewed when a thirtieth of the idle
    limit has passed since it was, and each page's countdown starts from the time kept."""
    settings.CANDOR_STAFF_IDLE_SECONDS = 600  # renewed after 20 seconds
    password_step(client, investigator)
    client.post(reverse("staff:verify"), {"token": current_code(investigator)})
    for age, renewed in [(0, False), (19, False), (20, True), (400, True)]:
        session = client.session
        seen_at = int(time.time()) - age
        session[SESSION_SEEN_AT] = seen_at
        session.save()
        response = client.get(reverse("cases:queues"))
        assert response.status_code == 200
        kept = client.session[SESSION_SEEN_AT]
        assert (kept > seen_at) is renewed, age
        left = response.wsgi_request.staff_idle_seconds_left
        assert abs(left - (600 - (int(time.time()) - kept))) <= 1  # counts from the time kept
        assert f'data-idle="{left}"' in response.content.decode()


def test_stay_signed_in_renews_the_idle_clock_at_once(client, investigator, settings):
    password_step(client, investigator)
    client.post(reverse("staff:verify"), {"token": current_code(investigator)})
    session = client.session
    session[SESSION_SEEN_AT] = int(time.time()) - 5
    session.save()
    response = client.post(reverse("staff:keep-alive"))
    assert response.json() == {"idle_seconds_left": settings.CANDOR_STAFF_IDLE_SECONDS}
    assert client.session[SESSION_SEEN_AT] >= int(time.time()) - 1


def test_a_session_ends_at_the_absolute_limit_however_active(client, investigator, settings):
    settings.CANDOR_STAFF_ABSOLUTE_SECONDS = 0
    password_step(client, investigator)
    client.post(reverse("staff:verify"), {"token": current_code(investigator)})
    time.sleep(1.1)
    assert client.get(reverse("cases:queues"))["Location"].startswith(reverse("staff:login"))


def test_a_staff_page_carries_the_idle_warning(client, investigator):
    password_step(client, investigator)
    client.post(reverse("staff:verify"), {"token": current_code(investigator)})
    page = client.get(reverse("cases:queues")).content.decode()
    assert 'id="session-warning"' in page
    assert "staff-session.js" in page


def test_an_open_redirect_is_not_followed(client, investigator):
    password_step(client, investigator)
    response = client.post(
        reverse("staff:verify"),
        {"token": current_code(investigator), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("workspace:home")
