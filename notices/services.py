"""Notices: build the row, render the email in the recipient's language, send it through the
configured anymail backend, and record what the provider says."""

import hashlib
import logging
from datetime import datetime, timedelta

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from anymail.message import AnymailMessage
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from intake.models import Submission
from intake.tracking import status_url

from .dispatch import notices_dispatch_on_commit
from .models import DeliveryEvent, Notice, PaperLetter

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


def notice_to_submitter(
    *, submission: Submission, kind: str, occasion: str = "", context: dict | None = None
) -> Notice | None:
    """Queue a notice to the person who filed, in their language, with their status link.
    None when they gave no email, or when this notice exists already."""
    return notice_queue(
        submission=submission,
        kind=kind,
        recipient_email=submission.submitter_email,
        recipient_name=submission.submitter_name,
        language=submission.language,
        occasion=occasion,
        context={"status_url": status_url(submission), **(context or {})},
    )


def notices_to_employee_and_supervisor(
    *, submission: Submission, employee, employee_kind: str, supervisor_kind: str, context: dict
) -> list[Notice]:
    """Queue a notice to the employee and one to their supervisor (an active one), as the
    department promises for both complaints and commendations. Returns the rows created now."""
    notices = [
        notice_queue(
            submission=submission,
            kind=employee_kind,
            recipient_email=employee.email,
            recipient_name=employee.full_name,
            employee=employee,
            context=context,
        )
    ]
    supervisor = employee.supervisor
    if supervisor is not None and supervisor.active:
        notices.append(
            notice_queue(
                submission=submission,
                kind=supervisor_kind,
                recipient_email=supervisor.email,
                recipient_name=supervisor.full_name,
                employee=supervisor,
                context=context,
            )
        )
    return [notice for notice in notices if notice is not None]


def notice_render(notice: Notice) -> AnymailMessage:
    """The email for a notice, in its language, from templates/emails/<kind>/."""
    subject, text, html = _notice_texts(notice, html=True)
    message = AnymailMessage(
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
    for good; a provider fault raises TransientSendError so the caller retries later.

    One person gets the notices about one submission in the order they were decided: while an
    earlier one to them is still queued (waiting for a retry, or for a busy worker), this one
    waits, and the earlier one, once it is done, dispatches the next. Sent each on its own, a
    retried or slower email was overtaken by the next (two status emails arrived reversed)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("submission").get(pk=notice_id)
        if notice.state != Notice.State.QUEUED:
            return Notice.State(notice.state)
        if _to_same_person(notice).filter(pk__lt=notice.pk).exists():
            return Notice.State.QUEUED  # the earlier notice dispatches this one when it is done
        notice.attempts += 1
        try:
            message = notice_render(notice)
            message.send()
        except AnymailRecipientsRefused as error:
            notice.state = Notice.State.FAILED
            notice.last_error = str(error)[:2000]
            notice.save(update_fields=["state", "last_error", "attempts", "updated_at"])
            logger.warning("notice %s refused by provider: %s", notice.pk, error)
            _next_to_same_person_dispatch(notice)
            return Notice.State.FAILED
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
                _next_to_same_person_dispatch(notice)
                return Notice.State.FAILED
        else:
            # anymail backends report the provider's message id; a plain SMTP backend has none.
            status = getattr(message, "anymail_status", None)
            message_id = status.message_id if status else None
            notice.provider_message_id = "" if message_id is None else str(message_id)
            notice.state = Notice.State.SENT
            notice.sent_at = timezone.now()
            notice.last_error = ""
            notice.save()
            _next_to_same_person_dispatch(notice)
            return Notice.State.SENT
    raise TransientSendError(notice.last_error, retry_in=retry_in.total_seconds())


def _to_same_person(notice: Notice) -> QuerySet[Notice]:
    """The notices still queued to the same recipient about the same submission."""
    return Notice.objects.filter(
        submission_id=notice.submission_id,
        recipient_email=notice.recipient_email,
        state=Notice.State.QUEUED,
    ).exclude(pk=notice.pk)


def _next_to_same_person_dispatch(notice: Notice) -> None:
    """Once a notice is done (sent, or failed for good), hand the next one to the same person
    to the broker after commit; it may have been waiting for this one."""
    following = _to_same_person(notice).filter(pk__gt=notice.pk).order_by("pk").first()
    if following is not None:
        notices_dispatch_on_commit([following])


def notice_retry_delay(attempts: int) -> timedelta:
    """Back off between attempts: 30 s, 1, 2, 4 … minutes, at most an hour (the base is
    CANDOR_NOTICE_RETRY_SECONDS, lowered by the fault tests)."""
    base = settings.CANDOR_NOTICE_RETRY_SECONDS
    return timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


# --- Acknowledgement by the recipient (one link per notice) ---------------------------------

_ACK_SALT = "candor.notice-acknowledge"


def notice_acknowledge_url(notice: Notice) -> str:
    """An unguessable link that acknowledges this notice, signed with the server's secret."""
    token = signing.dumps(notice.pk, salt=_ACK_SALT, compress=True)
    return settings.PORTAL_BASE_URL + reverse("notices:acknowledge", args=[token])


def notice_by_acknowledge_token(token: str) -> Notice | None:
    try:
        notice_id = signing.loads(token, salt=_ACK_SALT)
    except signing.BadSignature:
        return None
    return Notice.objects.select_related("submission", "employee").filter(pk=notice_id).first()


def notice_acknowledge(*, notice: Notice) -> Notice:
    """Record that the recipient acknowledged the notice; the first time counts."""
    Notice.objects.filter(pk=notice.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), updated_at=timezone.now()
    )
    notice.refresh_from_db(fields=["acknowledged_at", "updated_at"])
    return notice


# --- Tracking events from the provider's webhook --------------------------------------------

# How far each event type moves a notice; an event never moves it back (events arrive out of
# order, and a bounce after a delivery report is still a bounce).
_EVENT_STATE = {
    "delivered": Notice.State.DELIVERED,
    "bounced": Notice.State.BOUNCED,
    "rejected": Notice.State.BOUNCED,
    "failed": Notice.State.BOUNCED,
}
_STATE_RANK = {
    Notice.State.QUEUED: 0,
    Notice.State.SENT: 1,
    Notice.State.DELIVERED: 2,
    Notice.State.BOUNCED: 3,
    Notice.State.FAILED: 3,
}
# Notices whose recipient is the submitter: a bounce of one of these becomes a paper letter
# when the submitter gave a mailing address.
SUBMITTER_KINDS = {
    Notice.Kind.ACKNOWLEDGEMENT,
    Notice.Kind.STATUS_UPDATE,
    Notice.Kind.OUTCOME,
    Notice.Kind.MESSAGE,
    Notice.Kind.COMMENDATION_DELIVERED,
}


def delivery_event_record(
    *,
    event_id: str | None,
    event_type: str,
    message_id: str,
    recipient: str = "",
    description: str = "",
    occurred_at: datetime | None = None,
) -> DeliveryEvent | None:
    """Store one tracking event and move its notice along. A repeated event (same event id;
    for providers that send none, the same message, type, recipient and time) changes
    nothing and returns None."""
    occurred_at = occurred_at or timezone.now()
    if not event_id:
        raw = f"{message_id}|{event_type}|{recipient}|{occurred_at.isoformat()}"
        event_id = "derived-" + hashlib.sha256(raw.encode()).hexdigest()
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .select_related("submission")
            .filter(provider_message_id=message_id)
            .exclude(provider_message_id="")
            .first()
        )
        try:
            with transaction.atomic():
                event = DeliveryEvent.objects.create(
                    notice=notice,
                    event_id=event_id[:200],
                    event_type=event_type[:30],
                    message_id=message_id[:200],
                    recipient=recipient[:254],
                    description=description[:2000],
                    occurred_at=occurred_at,
                )
        except IntegrityError:
            return None
        if notice is not None:
            _notice_track(notice, event)
    return event


def _notice_track(notice: Notice, event: DeliveryEvent) -> None:
    state = _EVENT_STATE.get(event.event_type)
    if state is None or _STATE_RANK[state] <= _STATE_RANK[Notice.State(notice.state)]:
        return
    notice.state = state
    if state == Notice.State.DELIVERED:
        notice.delivered_at = event.occurred_at
    else:
        notice.bounced_at = event.occurred_at
        notice.last_error = event.description or event.event_type
    notice.save(update_fields=["state", "delivered_at", "bounced_at", "last_error", "updated_at"])
    if state == Notice.State.BOUNCED:
        paper_letter_for(notice=notice)
        logger.warning("notice %s bounced: %s", notice.pk, notice.last_error)


def paper_letter_for(*, notice: Notice) -> PaperLetter | None:
    """A letter to post when an email to the submitter could not be delivered and they gave a
    mailing address; None otherwise. One letter per notice."""
    submission = notice.submission
    if notice.kind not in SUBMITTER_KINDS or not submission.submitter_address.strip():
        return None
    letter, _created = PaperLetter.objects.get_or_create(
        notice=notice,
        defaults={"submission": submission, "address": submission.submitter_address.strip()},
    )
    return letter


def letter_render(letter: PaperLetter) -> dict:
    """What a printed letter says: the notice's own text, in its language."""
    notice = letter.notice
    subject, body, _html = _notice_texts(notice, html=False)
    return {"subject": subject, "body": body.strip(), "language": notice.language}


def _notice_texts(notice: Notice, *, html: bool) -> tuple[str, str, str]:
    """Subject, text body and (when asked) HTML body of a notice, in its language, from
    templates/emails/<kind>/. The email and the paper letter say the same thing."""
    context = {
        "notice": notice,
        "submission": notice.submission,
        "portal_url": settings.PORTAL_BASE_URL,
        "acknowledge_url": notice_acknowledge_url(notice),
        **notice.context,
    }
    with translation.override(notice.language):
        subject = " ".join(
            render_to_string(f"{notice.template_name}/subject.txt", context, using="text").split()
        )
        text = render_to_string(f"{notice.template_name}/body.txt", context, using="text")
        body_html = (
            render_to_string(f"{notice.template_name}/body.html", {**context, "subject": subject})
            if html
            else ""
        )
    return subject, text, body_html
