"""Sign-in holds against guessing spread over many addresses, without letting a stranger keep
a colleague out; recovery codes stand in for a lost phone, shown once at enrolment."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import roles
from staff.lockout import KNOWN_BROWSER_COOKIE
from tests.factories import UserFactory
from tests.staff import current_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    # Counters of this test's own: the shared Redis is shared with other test runs.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    settings.CANDOR_SIGNIN_ACCOUNT_LIMIT = 4


def password_step(client, user, password=PASSWORD, address="203.0.113.1"):
    return client.post(
        reverse("staff:login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=address,
    )


def full_sign_in(client, user, address="203.0.113.1"):
    password_step(client, user, address=address)
    response = client.post(
        reverse("staff:verify"), {"token": current_code(user)}, REMOTE_ADDR=address
    )
    assert response.status_code == 302
    return response


def test_failures_from_many_addresses_lock_the_account_for_strangers(client, investigator):
    for n in range(4):  # one failure each from four addresses: under axes' limit per address
        password_step(client, investigator, "wrong", address=f"198.51.100.{n}")
    response = password_step(client, investigator, address="198.51.100.99")  # right password
    assert response.status_code == 429
    assert "too many failed attempts to sign in to this account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert f'value="{investigator.username}"' in response.content.decode()  # kept


def test_the_colleagues_own_browser_still_signs_in(client, investigator):
    full_sign_in(client, investigator)
    assert client.cookies[KNOWN_BROWSER_COOKIE].value
    client.post(reverse("staff:logout"))
    for n in range(10):
        password_step(client.__class__(), investigator, "wrong", address=f"198.51.100.{n}")
    # The stranger is refused; the colleague's browser, which has signed in before, is not.
    assert password_step(client.__class__(), investigator).status_code == 429
    response = password_step(client, investigator)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:verify"))


def test_a_forged_known_browser_cookie_does_not_help(client, investigator):
    for n in range(4):
        password_step(client, investigator, "wrong", address=f"198.51.100.{n}")
    client.cookies[KNOWN_BROWSER_COOKIE] = investigator.username
    assert password_step(client, investigator).status_code == 429


def test_the_account_limit_counts_per_account(client, investigator, commander):
    for n in range(4):
        password_step(client, investigator, "wrong", address=f"198.51.100.{n}")
    assert password_step(client, commander).status_code == 302


def enrol(client, username="newbie"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=roles.INVESTIGATOR)[0])
    password_step(client, user)
    client.get(reverse("staff:enrol"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return user, client.post(reverse("staff:enrol"), {"token": f"{totp(device.bin_key):06d}"})


def test_enrolment_shows_recovery_codes_once(client):
    user, response = enrol(client)
    page = response.content.decode()
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {c.replace("-", "") for c in codes}
    # Never shown again: a later visit to enrolment goes to the code page instead.
    again = client.get(reverse("staff:enrol"))
    assert again.status_code == 302
    assert not any(c in client.get(reverse("cases:queues")).content.decode() for c in codes)


def test_a_recovery_code_stands_in_for_the_phone_once(client):
    user, response = enrol(client, username="lostphone")
    code = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())[0]
    client.post(reverse("staff:logout"))
    password_step(client, user)
    response = client.post(reverse("staff:verify"), {"token": code.upper()})
    assert response.status_code == 302
    assert client.get(reverse("cases:queues")).status_code == 200
    client.post(reverse("staff:logout"))
    password_step(client, user)
    response = client.post(reverse("staff:verify"), {"token": code})
    assert response.status_code == 200  # used once, refused after
    assert StaticDevice.objects.get(user=user).token_set.count() == 9
