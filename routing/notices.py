"""Notices: build the row, render the email in the recipient's language, send it through the
configured anymail backend, and record what the provider says."""

import logging
from datetime import timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from intake.models import Submission

from .models import Notice

logger = logging.getLogger(__name__)


class TransientSendError(Exception):
    """The provider failed in a way that may pass (5xx, 429, no answer): send again after
    `retry_in` seconds."""

    def __init__(self, message: str, *, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def notice_queue(
    *,
    submission: Submission,
    kind: str,
    recipient_email: str,
    recipient_name: str = "",
    language: str = "en",
    employee=None,
    occasion: str = "",
    context: dict | None = None,
) -> Notice | None:
    """Create the notice row unless one exists for this (submission, kind, recipient, occasion).
    Returns the new row, or None when it already existed. Call inside the transaction that
    decides the notice; dispatch the returned rows after commit."""
    if not recipient_email:
        return None
    notice, created = Notice.objects.get_or_create(
        submission=submission,
        kind=kind,
        recipient_email=recipient_email.strip().lower(),
        occasion=occasion,
        defaults={
            "recipient_name": recipient_name,
            "language": language,
            "employee": employee,
            "context": context or {},
        },
    )
    return notice if created else None


def notices_dispatch_on_commit(notices: list[Notice | None]) -> None:
    """Publish the send tasks of newly queued notices once the current transaction commits
    (at once outside a transaction). Pass what notice_queue returned; None entries are skipped."""
    from .dispatch import notice_dispatch

    ids = [notice.pk for notice in notices if notice is not None]
    if ids:
        transaction.on_commit(lambda: notice_dispatch(notice_ids=ids))


def notice_render(notice: Notice) -> EmailMultiAlternatives:
    """The email for a notice, in its language, from templates/emails/<kind>/."""
    context = {
        "notice": notice,
        "submission": notice.submission,
        "portal_url": settings.PORTAL_BASE_URL,
        **notice.context,
    }
    with translation.override(notice.language):
        subject = " ".join(render_to_string(f"{notice.template_name}/subject.txt", context).split())
        text = render_to_string(f"{notice.template_name}/body.txt", context)
        html = render_to_string(f"{notice.template_name}/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient_email],
    )
    message.attach_alternative(html, "text/html")
    message.metadata = {
        "notice_id": str(notice.pk),
        "tracking_number": notice.submission.tracking_number,
    }
    message.tags = [notice.kind]
    return message


def notice_send(*, notice_id: int) -> Notice.State:
    """Send a queued notice once. The row is locked while sending, so a task delivered twice
    sends one email; a notice already sent is left alone. A refused recipient fails the notice
    for good; a provider fault raises TransientSendError so the caller retries later."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("submission").get(pk=notice_id)
        if notice.state != Notice.State.QUEUED:
            return notice.state
        notice.attempts += 1
        try:
            message = notice_render(notice)
            message.send()
        except AnymailRecipientsRefused as error:
            notice.state = Notice.State.FAILED
            notice.last_error = str(error)[:2000]
            notice.save(update_fields=["state", "last_error", "attempts", "updated_at"])
            logger.warning("notice %s refused by provider: %s", notice.pk, error)
            return notice.state
        except AnymailAPIError as error:
            if (
                error.status_code is not None
                and 400 <= error.status_code < 500
                and error.status_code != 429
            ):
                notice.state = Notice.State.FAILED
            notice.last_error = str(error)[:2000]
            retry_in = notice_retry_delay(notice.attempts)
            # The sweeper leaves the notice alone until its retry is due.
            notice.dispatched_at = timezone.now() + retry_in
            notice.save(
                update_fields=["state", "last_error", "attempts", "dispatched_at", "updated_at"]
            )
            if notice.state == Notice.State.FAILED:
                logger.warning("notice %s rejected by provider: %s", notice.pk, error)
                return notice.state
        else:
            # anymail backends report the provider's message id; a plain SMTP backend has none.
            status = getattr(message, "anymail_status", None)
            notice.provider_message_id = str(status.message_id or "") if status else ""
            notice.state = Notice.State.SENT
            notice.sent_at = timezone.now()
            notice.last_error = ""
            notice.save()
            return notice.state
    raise TransientSendError(notice.last_error, retry_in=retry_in.total_seconds())


def notice_retry_delay(attempts: int) -> timedelta:
    """Back off between attempts: 30 s, 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))
