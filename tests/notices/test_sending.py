import pytest
from anymail.exceptions import AnymailRecipientsRefused
from django.core import mail
from django.utils import timezone

from notices.models import Notice
from notices.services import TransientSendError, notice_queue, notice_send
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


def test_a_later_notice_to_the_same_person_waits_for_the_earlier_one(monkeypatch, run_on_commit):
    """One person gets one submission's notices in the order they were decided: the later one
    waits while the earlier one is queued, and the earlier one dispatches it once sent."""
    submission = complaint(submitter_email="dana@example.com").submission
    submission_route(submission_id=submission.pk)
    first = Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)
    later = notice_queue(
        submission=submission,
        kind=Notice.Kind.STATUS_UPDATE,
        recipient_email="dana@example.com",
        occasion="under_review-v2",
        context={"stage": "under_review", "status_url": "http://portal/status/x/"},
    )
    elsewhere = notice_queue(
        submission=submission,
        kind=Notice.Kind.STATUS_UPDATE,
        recipient_email="someone.else@example.com",
        occasion="under_review-v2",
        context={"stage": "under_review", "status_url": "http://portal/status/x/"},
    )
    dispatched: list[int] = []
    monkeypatch.setattr(
        "notices.dispatch.notice_dispatch",
        lambda *, notice_ids, countdown=0: dispatched.extend(notice_ids) or len(notice_ids),
    )

    assert notice_send(notice_id=later.pk) == Notice.State.QUEUED  # waits for the first
    assert notice_send(notice_id=elsewhere.pk) == Notice.State.SENT  # someone else: no wait
    with run_on_commit(execute=True):
        assert notice_send(notice_id=first.pk) == Notice.State.SENT
    assert dispatched == [later.pk]  # the first, once sent, hands on the next
    assert notice_send(notice_id=later.pk) == Notice.State.SENT
    assert [m.to for m in mail.outbox] == [
        ["someone.else@example.com"],
        ["dana@example.com"],
        ["dana@example.com"],
    ]
    assert "Update on your complaint" in mail.outbox[-1].subject
