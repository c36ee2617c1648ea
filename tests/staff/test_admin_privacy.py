"""The admin shows no secrets and no case content to those who may not see it: every
changelist and every change page of every model the admin offers, for every role, never shows a
second factor's key, a recovery code, or how to reach the person who filed; those without the
admin reach none of it."""

import base64
import binascii

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commendations.models import Commendation
from intake.services import EmployeeData, SubmissionData, submission_create
from notices.models import DeliveryEvent, Notice, PaperLetter
from notices.services import delivery_event_record, notice_send
from routing.services import submission_route
from staff import roles
from tests.factories import member_of
from tests.staff import sign_in, staff_member

pytestmark = pytest.mark.django_db

CONTACT = {
    "submitter_name": "Dana Complainantson",
    "submitter_email": "dana.complainantson@example.org",
    "submitter_phone": "314-555-0199",
    "submitter_address": "12 Hidden Lane, Florissant",
}
ROLES = {
    "investigator": (roles.INVESTIGATOR, {}),
    "intake": (roles.INTAKE_COORDINATOR, {}),
    "commander": (roles.BPS_COMMANDER, {}),
    "auditor": (roles.AUDITOR, {}),
    "chief": (roles.CHIEFS_OFFICE, {}),
    "administrator": (roles.ADMINISTRATOR, {"is_staff": True, "is_superuser": True}),
}


@pytest.fixture
def world():
    member_of("bps-general", username="alerted", email="alerted@bps.police.example")
    member_of("chiefs-office", username="chiefly", email="chiefly@bps.police.example")
    complaint = submission_create(
        data=SubmissionData(kind="complaint", narrative="He shouted.", **CONTACT)
    ).submission
    compliment = submission_create(
        data=SubmissionData(
            kind="compliment",
            narrative="She helped.",
            employees=[EmployeeData(badge="1003")],
            **CONTACT,
        )
    ).submission
    for submission in (complaint, compliment):
        submission_route(submission_id=submission.pk)
    for notice in Notice.objects.all():
        notice_send(notice_id=notice.pk)
    acknowledgement = Notice.objects.filter(kind=Notice.Kind.ACKNOWLEDGEMENT).first()
    Notice.objects.filter(pk=acknowledgement.pk).update(
        last_error=f"550 mailbox {CONTACT['submitter_email']} unknown"
    )
    delivery_event_record(
        event_id="evt-admin-1",
        event_type="bounced",
        message_id=acknowledgement.provider_message_id,
        recipient=CONTACT["submitter_email"],
        description=f"{CONTACT['submitter_email']} does not exist",
    )
    PaperLetter.objects.get_or_create(
        notice=acknowledgement,
        defaults={"submission": complaint, "address": CONTACT["submitter_address"]},
    )
    people = {
        name: staff_member(role, "bps-general", username=f"admin-walk-{name}", **extra)
        for name, (role, extra) in ROLES.items()
    }
    # An administrator who also works cases sees no more in the admin.
    people["administrator+commander"] = staff_member(
        roles.ADMINISTRATOR,
        "bps-general",
        username="admin-walk-both",
        is_staff=True,
        is_superuser=True,
    )
    people["administrator+commander"].groups.add(*people["commander"].groups.all())
    recovery = StaticDevice.objects.create(user=people["investigator"], name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")
    secrets = {"recovery code": "abcd2345"}
    for device in TOTPDevice.objects.all():
        secrets[f"key of {device.user}"] = device.key
        secrets[f"base32 key of {device.user}"] = base64.b32encode(
            binascii.unhexlify(device.key)
        ).decode()
    assert Commendation.objects.exists() and DeliveryEvent.objects.exists()
    return {"people": people, "secrets": {**secrets, **CONTACT}}


def admin_pages() -> list[str]:
    """Every changelist the admin offers, and the change page of each object in it."""
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        for pk in model_admin.get_queryset(None).values_list("pk", flat=True)[:3]:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk]))
        if model_admin.has_add_permission is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return urls


@pytest.mark.parametrize("role", [*ROLES, "administrator+commander"])
def test_every_admin_page_shows_each_role_no_secret_and_no_contact(client, world, role):
    sign_in(client, world["people"][role])
    pages = admin_pages()
    assert len(pages) > 30, "the walk found too few admin pages"
    seen = 0
    for url in pages:
        response = client.get(url)
        if "administrator" not in role:
            # Without the admin there is nothing to see: every page sends them away.
            assert response.status_code == 302, (role, url)
            continue
        assert response.status_code in (200, 403), (role, url, response.status_code)
        body = response.content.decode()
        for what, secret in world["secrets"].items():
            assert secret not in body, (role, url, what)
        seen += response.status_code == 200
    if "administrator" in role:
        assert seen > 30
        # What the administrator is there for is still shown.
        body = client.get(reverse("admin:intake_submission_changelist")).content.decode()
        assert Notice.objects.first().submission.tracking_number in body
