"""Staff users for tests: a role, queue memberships and a confirmed authenticator; a client
signed in with both factors. Any room's staff pages (everything under /staff/ and /admin/)
need both factors, so tests of those pages sign in with `sign_in`."""

import time

from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import Queue
from staff.signin import SESSION_LOGIN_AT, SESSION_SEEN_AT
from tests.factories import UserFactory


def staff_member(role: str, *queue_slugs: str, **kwargs):
    """A staff user in a role, a member of these queues, with a confirmed authenticator."""
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    for slug in queue_slugs:
        Queue.objects.get(slug=slug).members.add(user)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user) -> None:
    """Both factors, as the sign-in pages leave the session (the pages are tested on their own
    in test_sign_in.py)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_LOGIN_AT] = session[SESSION_SEEN_AT] = int(time.time())
    session.save()
