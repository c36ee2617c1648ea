import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import roles
from routing.models import Queue
from routing.services import submission_route
from tests.factories import UserFactory, complaint


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
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


def routed_complaint(**kwargs):
    receipt = complaint(**kwargs)
    submission_route(submission_id=receipt.submission.pk)
    receipt.submission.refresh_from_db()
    return receipt.submission


@pytest.fixture
def investigator(db):
    return staff_member(roles.INVESTIGATOR, "use-of-force", "bps-general", username="vic")


@pytest.fixture
def commander(db):
    slugs = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    return staff_member(roles.BPS_COMMANDER, *slugs, username="carla")


@pytest.fixture
def intake_coordinator(db):
    slugs = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    return staff_member(roles.INTAKE_COORDINATOR, *slugs, username="irene")


@pytest.fixture
def auditor(db):
    return staff_member(roles.AUDITOR, username="audrey")


@pytest.fixture
def administrator(db):
    return staff_member(roles.ADMINISTRATOR, username="adam", is_staff=True, is_superuser=True)
