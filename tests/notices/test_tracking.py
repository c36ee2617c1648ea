"""The provider's tracking webhook: anymail's view, the `tracking` signal, the notice."""

import base64
import json
from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from notices.checks import NOT_SENDING, email_sent_check, webhook_secret_check
from notices.models import DeliveryEvent, Notice, PaperLetter
from notices.services import notice_acknowledge_url, notice_send, notices_send
from routing.services import submission_route
from tests.factories import complaint, member_of

pytestmark = pytest.mark.django_db


def sent_acknowledgement(**overrides):
    submission = complaint(submitter_email="resident@example.com", **overrides).submission
    submission_route(submission_id=submission.pk)
    notice = Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)
    notice_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.provider_message_id  # anymail's test backend gives one
    return notice


def emit(notice, event_type, *, event_id="evt-1", description=""):
    event = AnymailTrackingEvent(
        event_type=event_type,
        message_id=notice.provider_message_id,
        event_id=event_id,
        recipient=notice.recipient_email,
        timestamp=timezone.now(),
        description=description,
    )
    tracking.send(sender=None, event=event, esp_name="Test")


def test_a_delivered_event_marks_the_notice_delivered():
    notice = sent_acknowledgement()
    emit(notice, "delivered")
    notice.refresh_from_db()
    assert notice.state == Notice.State.DELIVERED
    assert notice.delivered_at is not None
    assert notice.events.get().event_type == "delivered"


def test_the_same_event_twice_is_stored_once():
    notice = sent_acknowledgement()
    emit(notice, "delivered")
    emit(notice, "delivered")
    assert DeliveryEvent.objects.count() == 1


def test_a_bounce_after_delivery_still_marks_the_notice_bounced_and_never_back():
    notice = sent_acknowledgement()
    emit(notice, "bounced", event_id="b", description="550 mailbox unavailable")
    emit(notice, "delivered", event_id="d")  # arrives late
    notice.refresh_from_db()
    assert notice.state == Notice.State.BOUNCED
    assert "550" in notice.last_error


def test_an_event_for_an_unknown_message_is_kept_without_a_notice():
    notice = sent_acknowledgement()
    notice.provider_message_id = "someone-else"
    emit(notice, "delivered")
    assert DeliveryEvent.objects.get().notice is None


def alerts_sent_together(*names) -> list[Notice]:
    """A complaint's alerts to these members of its queue, sent as the one email they are."""
    for name in names:
        member_of("bps-general", username=name)
    submission = complaint().submission
    submission_route(submission_id=submission.pk)
    alerts = list(Notice.objects.filter(kind=Notice.Kind.QUEUE_ALERT).order_by("pk"))
    notices_send(notice_ids=[alert.pk for alert in alerts])
    assert len(mail.outbox) == 1
    for alert in alerts:
        alert.refresh_from_db()
    return alerts


def test_an_event_about_an_email_to_several_settles_only_its_recipients_notice():
    ivy, jon = alerts_sent_together("ivy", "jon")
    assert ivy.provider_message_id == jon.provider_message_id  # one email, one id
    emit(jon, "bounced", description="550 no such user")
    emit(ivy, "delivered", event_id="evt-2")
    assert dict(Notice.objects.values_list("recipient_email", "state")) == {
        ivy.recipient_email: Notice.State.DELIVERED,
        jon.recipient_email: Notice.State.BOUNCED,
    }
    assert [event.notice for event in DeliveryEvent.objects.order_by("pk")] == [jon, ivy]


def test_an_event_naming_nobody_the_shared_email_went_to_is_kept_without_a_notice():
    ivy, _jon = alerts_sent_together("ivy", "jon")
    ivy.recipient_email = "someone@else.example"
    emit(ivy, "delivered")
    assert DeliveryEvent.objects.get().notice is None
    assert set(Notice.objects.values_list("state", flat=True)) == {Notice.State.SENT}


def test_events_settle_the_unknown_notices_of_an_email_to_several_by_their_recipients():
    """The email to two got no answer: the notices have no message id. The events carry the
    email's notice ids and a recipient each; each settles its own."""
    ivy, jon = alerts_sent_together("ivy", "jon")
    Notice.objects.update(state=Notice.State.UNKNOWN, provider_message_id="")
    for notice, event_id in ((jon, "e-jon"), (ivy, "e-ivy")):
        tracking.send(
            sender=None,
            event=AnymailTrackingEvent(
                event_type="delivered",
                message_id="pm-shared",
                event_id=event_id,
                recipient=notice.recipient_email.upper(),
                timestamp=timezone.now(),
                metadata=mail.outbox[0].metadata,
            ),
            esp_name="Postmark",
        )
    assert mail.outbox[0].metadata["notice_id"] == f"{ivy.pk},{jon.pk}"
    assert set(Notice.objects.values_list("recipient_email", "state", "provider_message_id")) == {
        (ivy.recipient_email, Notice.State.DELIVERED, "pm-shared"),
        (jon.recipient_email, Notice.State.DELIVERED, "pm-shared"),
    }


def test_a_bounced_email_to_a_submitter_with_a_mailing_address_becomes_a_paper_letter():
    notice = sent_acknowledgement(submitter_address="12 Elm St\nFlorissant, MO 63031")
    emit(notice, "bounced")
    letter = PaperLetter.objects.get()
    assert letter.notice == notice
    assert "Florissant" in letter.address
    emit(notice, "bounced", event_id="again")
    assert PaperLetter.objects.count() == 1


def test_a_bounce_without_a_mailing_address_makes_no_letter():
    notice = sent_acknowledgement()
    emit(notice, "bounced")
    assert not PaperLetter.objects.exists()


def test_a_bounced_alert_to_staff_makes_no_letter():
    member_of("bps-general", username="ivy")
    submission = complaint(submitter_address="12 Elm St").submission
    submission_route(submission_id=submission.pk)
    alert = Notice.objects.get(kind=Notice.Kind.QUEUE_ALERT)
    notice_send(notice_id=alert.pk)
    alert.refresh_from_db()
    emit(alert, "bounced")
    assert not PaperLetter.objects.exists()


@pytest.fixture
def webhook_secret(settings):
    # Postmark is configured (named in the ANYMAIL settings) and its webhook has the secret.
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "POSTMARK_SERVER_TOKEN": "test-token",
        "WEBHOOK_SECRET": "hook:s3cret-value",
    }


def postmark_delivery(notice):
    return {
        "RecordType": "Delivery",
        "MessageID": notice.provider_message_id,
        "Recipient": notice.recipient_email,
        "DeliveredAt": (timezone.now() - timedelta(seconds=5)).isoformat(),
        "Details": "Test delivery",
        "Tag": "acknowledgement",
        "ServerID": 1,
        "Metadata": {},
    }


def test_the_webhook_updates_the_notice_when_called_with_the_shared_secret(client, webhook_secret):
    notice = sent_acknowledgement()
    auth = "Basic " + base64.b64encode(b"hook:s3cret-value").decode()
    response = client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(postmark_delivery(notice)),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.state == Notice.State.DELIVERED


def test_the_webhook_refuses_a_caller_without_the_secret(client, webhook_secret):
    notice = sent_acknowledgement()
    response = client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(postmark_delivery(notice)),
        content_type="application/json",
    )
    assert response.status_code == 403
    wrong = "Basic " + base64.b64encode(b"hook:guess").decode()
    response = client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(postmark_delivery(notice)),
        content_type="application/json",
        HTTP_AUTHORIZATION=wrong,
    )
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.state == Notice.State.SENT


def test_the_acknowledgement_link_records_the_first_acknowledgement_on_post_only(client):
    notice = sent_acknowledgement()
    url = notice_acknowledge_url(notice)
    assert client.get(url).status_code == 200
    notice.refresh_from_db()
    assert notice.acknowledged_at is None  # a mail filter opening the link acknowledges nothing
    response = client.post(url)
    assert "acknowledged" in response.content.decode()
    notice.refresh_from_db()
    first = notice.acknowledged_at
    assert first is not None
    client.post(url)
    notice.refresh_from_db()
    assert notice.acknowledged_at == first


def test_a_tampered_acknowledgement_link_is_not_found(client):
    notice = sent_acknowledgement()
    url = notice_acknowledge_url(notice)
    assert client.post(url[:-4] + "abc/").status_code == 404


def test_notice_email_carries_its_acknowledgement_link_when_the_template_uses_it():
    notice = sent_acknowledgement()
    assert mail.outbox[0].metadata["notice_id"] == str(notice.pk)


def test_the_dev_capture_backend_reports_delivery_and_bounces_after_commit(settings, run_on_commit):
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    settings.CANDOR_CAPTURE_TRACKING = True
    submission = complaint(
        submitter_email="someone@bounces.example", submitter_address="12 Elm St"
    ).submission
    member_of("bps-general", username="ivy")
    submission_route(submission_id=submission.pk)
    with run_on_commit(execute=True):
        for notice in Notice.objects.filter(state=Notice.State.QUEUED):
            notice_send(notice_id=notice.pk)
    states = dict(Notice.objects.values_list("kind", "state"))
    assert states == {"acknowledgement": "bounced", "queue_alert": "delivered"}
    assert PaperLetter.objects.get().notice.kind == "acknowledgement"


def test_check_deploy_fails_when_a_reachable_webhook_has_no_secret(settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x"}
    assert [e.id for e in webhook_secret_check(None)] == ["candor.E001"]
    assert webhook_secret_check(None)[0].is_serious()
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x", "WEBHOOK_SECRET": "a:b"}
    assert webhook_secret_check(None) == []


def test_check_deploy_fails_on_a_backend_that_does_not_send_unless_told_on_purpose(settings):
    for backend in NOT_SENDING:
        settings.EMAIL_BACKEND = backend
        settings.CANDOR_ALLOW_UNSENT_EMAIL = False
        assert [e.id for e in email_sent_check(None)] == ["candor.E002"]
        settings.CANDOR_ALLOW_UNSENT_EMAIL = True
        assert email_sent_check(None) == []
    settings.CANDOR_ALLOW_UNSENT_EMAIL = False
    for backend in (
        "anymail.backends.postmark.EmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
    ):
        settings.EMAIL_BACKEND = backend
        assert email_sent_check(None) == []


AUTH = "Basic " + base64.b64encode(b"hook:s3cret-value").decode()


@pytest.mark.parametrize("esp", ["sendgrid", "mailgun", "not-a-provider", "postmark_x"])
def test_a_provider_that_is_not_configured_answers_404(client, webhook_secret, esp):
    response = client.post(f"/anymail/{esp}/tracking/", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_a_provider_named_but_missing_its_signing_key_answers_404(client, settings):
    # Mailgun's view needs a signing key (or the API key); without one anymail cannot check
    # a call at all.
    settings.ANYMAIL = {
        "MAILGUN_SENDER_DOMAIN": "mg.example.org",
        "WEBHOOK_SECRET": "hook:s3cret-value",
    }
    response = client.post(
        "/anymail/mailgun/tracking/",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=AUTH,
    )
    assert response.status_code == 404


@settings_hypothesis(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
            lambda c: (
                st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=12), c, max_size=4)
            ),
            max_leaves=10,
        ).map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries(
            {},
            optional={
                "RecordType": st.sampled_from(["Delivery", "Bounce", "SpamComplaint", "Open", "x"]),
                "MessageID": st.text(max_size=40) | st.integers(),
                "Recipient": st.text(max_size=40) | st.none(),
                "Email": st.text(max_size=40),
                "DeliveredAt": st.text(max_size=30) | st.integers(),
                "BouncedAt": st.text(max_size=30),
                "Type": st.text(max_size=20) | st.integers(),
                "Details": st.text(max_size=30) | st.none(),
                "Metadata": st.dictionaries(st.text(max_size=5), st.text(max_size=5)) | st.text(),
                "ID": st.integers() | st.text(max_size=10),
            },
        ).map(lambda v: json.dumps(v).encode()),
    )
)
def test_no_body_makes_the_webhook_answer_500(client, webhook_secret, body):
    response = client.post(
        "/anymail/postmark/tracking/",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=AUTH,
    )
    assert response.status_code in (200, 400)
