"""The thin path, for real: the public form, PostgreSQL, Redis, a live worker, anymail, the
investigator's queue page."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case
from intake.models import Submission
from notices.models import Notice
from ops.models import CapturedEmail
from staff import roles
from tests.factories import complaint_post, form_key, member_of
from tests.staff import current_code

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]


def test_a_complaint_from_the_public_form_reaches_the_investigators_queue(client, live_worker):
    investigator = member_of("use-of-force", username="vic", first_name="Victor")

    response = client.post(
        reverse("intake:complaint"),
        complaint_post(
            idempotency_key=form_key(client),
            submitter_name="Dana Resident",
            submitter_email="dana@example.com",
            narrative="The officer threw me to the ground outside the gas station.",
            categories=["use_of_force"],
            language=None,
            **{"employees-0-badge": "1003"},
        ),
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert re.fullmatch(r"C-\d{4}-\d{6}", submission.tracking_number)

    case = wait_for(lambda: Case.objects.filter(submission=submission).first(), what="the case")
    assert case.queue.slug == "use-of-force"
    wait_for(
        lambda: Notice.objects.filter(submission=submission, state=Notice.State.SENT).count() == 2,
        what="both notices sent",
    )
    submission.refresh_from_db()
    assert submission.routing_state == Submission.RoutingState.DONE

    acknowledgement = CapturedEmail.objects.get(to=["dana@example.com"])
    assert submission.tracking_number in acknowledgement.subject
    assert "/status/" in acknowledgement.body_text
    alert = CapturedEmail.objects.get(to=["vic@bps.police.example"])
    assert "Use of Force" in alert.subject
    notice = Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)
    assert notice.provider_message_id == acknowledgement.message_id

    client.logout()
    investigator.groups.add(Group.objects.get_or_create(name=roles.INVESTIGATOR)[0])
    TOTPDevice.objects.create(user=investigator, name="phone")
    password = {"username": "vic", "password": "correct horse battery staple"}
    assert client.post(reverse("staff:login"), password).status_code == 302
    code = client.post(reverse("staff:verify"), {"token": current_code(investigator)})
    assert code.status_code == 302
    page = client.get(reverse("cases:list"), {"queue": case.queue_id}).content.decode()
    assert submission.tracking_number in page
    assert investigator.queues.filter(slug="use-of-force").exists()
