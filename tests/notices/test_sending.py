import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.utils import timezone

from notices.models import Notice
from notices.services import TransientSendError, notice_send
from ops.models import CapturedEmail, CaptureFault
from routing.services import submission_route
from tests.factories import complaint

pytestmark = pytest.mark.django_db


def test_provider_fault_keeps_the_notice_queued_and_says_when_to_retry(settings):
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    CaptureFault.objects.create(remaining=1, status_code=503)
    submission = complaint(submitter_email="resident@example.com").submission
    submission_route(submission_id=submission.pk)
    notice = Notice.objects.get()

    with pytest.raises(TransientSendError) as raised:
        notice_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.state == Notice.State.QUEUED
    assert notice.attempts == 1
    assert "503" in notice.last_error
    assert raised.value.retry_in == 30
    assert notice.dispatched_at > timezone.now()  # the sweeper waits for the retry

    assert notice_send(notice_id=notice.pk) == Notice.State.SENT
    notice.refresh_from_db()
    captured = CapturedEmail.objects.get()
    assert notice.provider_message_id == captured.message_id
    assert captured.to == ["resident@example.com"]


def test_refused_recipient_fails_the_notice_for_good(monkeypatch):
    submission = complaint(submitter_email="nobody@invalid.example").submission
    submission_route(submission_id=submission.pk)
    notice = Notice.objects.get()

    def refuse(self, fail_silently=False):
        raise AnymailRecipientsRefused("all recipients refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert notice_send(notice_id=notice.pk) == Notice.State.FAILED
    notice.refresh_from_db()
    assert notice.state == Notice.State.FAILED
