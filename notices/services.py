"""Notices: build the row, render the email in the recipient's language, send it through the
configured anymail backend, and record what the provider says."""

import enum
import hashlib
import logging
import re
import secrets
import smtplib
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from datetime import datetime, timedelta
from email.policy import Compat32
from functools import cache, partial

import requests
import urllib3
from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from anymail.message import AnymailMessage
from django.conf import settings
from django.core import signing
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditAction
from audit.services import audit_record
from intake.models import Submission
from intake.tracking import status_url
from ops.postgresql.planning import planned_each_time
from ops.rowsql import rows_insert, rows_update

from .dispatch import notice_letters, notices_dispatch_on_commit
from .models import DeliveryEvent, Notice, PaperLetter

logger = logging.getLogger(__name__)


class TransientSendError(Exception):
    """The provider failed in a way that may pass (5xx, 429, no answer): send again after
    `retry_in` seconds."""

    def __init__(self, message: str, *, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def notice_build(
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
    """A notice row, not yet stored (see notices_store); None without an address."""
    if not recipient_email:
        return None
    return Notice(
        submission=submission,
        kind=kind,
        recipient_email=recipient_email.strip().lower(),
        occasion=occasion,
        recipient_name=recipient_name,
        language=language,
        employee=employee,
        context=context or {},
    )


def notice_build_to_submitter(
    *, submission: Submission, kind: str, occasion: str = "", context: dict | None = None
) -> Notice | None:
    """A notice to the person who filed, in their language, with their status link, not yet
    stored; None when they gave no email."""
    return notice_build(
        submission=submission,
        kind=kind,
        recipient_email=submission.submitter_email,
        recipient_name=submission.submitter_name,
        language=submission.language,
        occasion=occasion,
        context={"status_url": status_url(submission), **(context or {})},
    )


def notices_store(notices: Sequence[Notice | None]) -> list[Notice]:
    """Store the built notices that do not exist yet for their (submission, kind, recipient,
    occasion); returns those stored now. Call inside the transaction that decides them, and
    pass the returned rows to notices_dispatch_on_commit: they are written already marked as
    handed to the broker, so the publish needs no second write. One INSERT for all of them,
    unless one exists already: then one by one."""
    built = [notice for notice in notices if notice is not None]
    if not built:
        return []
    now = timezone.now()
    for notice in built:
        notice.dispatched_at = now
    try:
        with transaction.atomic():  # a savepoint: the fallback below must find a live transaction
            rows_insert(built)
            return built
    except IntegrityError:
        stored = [_store_unless_there(notice) for notice in built]
        return [notice for notice in stored if notice is not None]


def _store_unless_there(notice: Notice) -> Notice | None:
    stored, created = Notice.objects.get_or_create(
        submission=notice.submission,
        kind=notice.kind,
        recipient_email=notice.recipient_email,
        occasion=notice.occasion,
        defaults={
            "recipient_name": notice.recipient_name,
            "language": notice.language,
            "employee": notice.employee,
            "context": notice.context,
            "dispatched_at": notice.dispatched_at,
        },
    )
    return stored if created else None


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
    built = notice_build(
        submission=submission,
        kind=kind,
        recipient_email=recipient_email,
        recipient_name=recipient_name,
        language=language,
        employee=employee,
        occasion=occasion,
        context=context,
    )
    return next(iter(notices_store([built])), None)


def notice_to_submitter(
    *, submission: Submission, kind: str, occasion: str = "", context: dict | None = None
) -> Notice | None:
    """Queue a notice to the person who filed, in their language, with their status link.
    None when they gave no email, or when this notice exists already."""
    built = notice_build_to_submitter(
        submission=submission, kind=kind, occasion=occasion, context=context
    )
    return next(iter(notices_store([built])), None)


def notices_to_employee_and_supervisor(
    *, submission: Submission, employee, employee_kind: str, supervisor_kind: str, context: dict
) -> list[Notice]:
    """Queue a notice to the employee and one to their supervisor (an active one), as the
    department promises for both complaints and commendations. Returns the rows created now."""
    return notices_store(
        notices_build_to_employee_and_supervisor(
            submission=submission,
            employee=employee,
            employee_kind=employee_kind,
            supervisor_kind=supervisor_kind,
            context=context,
        )
    )


def notices_build_to_employee_and_supervisor(
    *, submission: Submission, employee, employee_kind: str, supervisor_kind: str, context: dict
) -> list[Notice | None]:
    """The notice to the employee and the one to their supervisor (an active one), not yet
    stored (see notices_store)."""
    notices = [
        notice_build(
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
            notice_build(
                submission=submission,
                kind=supervisor_kind,
                recipient_email=supervisor.email,
                recipient_name=supervisor.full_name,
                employee=supervisor,
                context=context,
            )
        )
    return notices


def notice_render(notice: Notice) -> AnymailMessage:
    """The email for a notice, in its language, from templates/emails/<kind>/."""
    return _email([notice], _notice_texts(notice, html=True))


class _QuickFold(Compat32):
    """Python's compat32 policy, which Django's messages are written with, but a header that
    fits on its line in plain ASCII (as most of a notice's do) is written out as it is: the
    Header class's folding writes such a header the same (tests hold the two to each other)
    at twenty times the CPU, a fifth of writing a notice's email out as MIME."""

    def _fold(self, name, value, sanitize):
        limit = self.max_line_length
        if (
            isinstance(value, str)
            and limit
            and len(name) + 2 + len(value) <= limit
            and _PLAIN_HEADER.fullmatch(value)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]  # private in the stubs


_PLAIN_HEADER = re.compile(r"[\t\x20-\x7e]*")
QUICK_FOLD = _QuickFold()


class _Email(AnymailMessage):
    """A notice's email. Written as MIME (by the SMTP and console backends, and the providers'
    raw-message APIs), it gets a boundary here: left to it, Python's email generator compiles a
    new regular expression for every message to make sure its random boundary is not in the
    text, a third of the time it takes to write the message out. Its headers are written with
    QUICK_FOLD."""

    def message(self):
        message = super().message()
        message.policy = QUICK_FOLD  # the generator writes every part with the top's policy
        if message.is_multipart():
            texts = [self.body, *(content for content, _mimetype in self.alternatives)]
            boundary = f"=_{secrets.token_hex(16)}"
            while any(boundary in text for text in texts):  # as good as never
                boundary = f"=_{secrets.token_hex(16)}"
            message.set_boundary(boundary)
        return message


def _email(notices: Sequence[Notice], texts: tuple[str, str, str]) -> AnymailMessage:
    """One email of these notices' texts (subject, text, HTML) to each of their recipients."""
    subject, text, html = texts
    first = notices[0]
    message = _Email(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient_email for notice in notices],
    )
    message.attach_alternative(html, "text/html")
    message.metadata = {
        # The ids of the notices it carries: a tracking event for a send that got no answer
        # finds its notice by them (delivery_event_record).
        "notice_id": ",".join(str(notice.pk) for notice in notices),
        "tracking_number": first.submission.tracking_number,
    }
    message.tags = [first.kind]
    return message


# What sending reads: the notice, and of its submission what the emails show (their templates
# use no other field; another one would cost a query, not an error), not the whole wide row;
# and the fields that name the person a notice goes to.
_SUBMISSION_FOR_SENDING = ("tracking_number", "kind", "narrative")
_SUBMISSION_READ = ("id", *_SUBMISSION_FOR_SENDING)
_PERSON = ("submission", "recipient_email")

# What sending one notice came to: a state, or a short wait for the task to retry it after.
SendOutcome = Notice.State | TransientSendError


def notice_send(*, notice_id: int) -> Notice.State:
    """Send one queued notice (notices_send); a short wait is raised as TransientSendError, for
    the task to retry."""
    outcome = notices_send(notice_ids=[notice_id])[notice_id]
    if isinstance(outcome, TransientSendError):
        raise outcome
    return outcome


@planned_each_time()
def notices_send(
    *, notice_ids: Sequence[int], executor: Executor | None = None
) -> dict[int, SendOutcome]:
    """Send queued notices, each at most once, whatever fails around them; returns what each
    came to. With an executor, the emails are sent side by side on its threads, so that a
    provider sitting on one email holds up none of the others.

    Each notice is marked `sending` (one short write for them all, no lock held) before the
    provider is called, and the call runs outside any transaction with EMAIL_TIMEOUT; a task
    delivered twice finds them `sending` or `sent` and does nothing. What the provider answered
    is written down with retries, so that a database restarting just then cannot make a sent
    email look unsent. A refused recipient or another 4xx fails the notice for good; a 5xx, a
    429 or a connection that was never made queues it again: at once when the wait is short
    (a TransientSendError outcome, for the task to retry), otherwise through the sweeper at
    `retry_at`. A call that got no answer (a timeout, the task's time limit) may have sent the
    email: the notice becomes `unknown` and is not sent again by itself.

    One person gets the notices about one submission in the order they were decided: while an
    earlier one to them is not done yet (queued, or with the provider), this one waits, and
    the earlier one, once done, dispatches the next. Sent each on its own, a retried or slower
    email was overtaken by the next (two status emails arrived reversed).

    The read (with the order check) and the claim are one query each for the whole batch, and
    the hand-on of the next notices one more: the emails themselves cost one write each. All of
    them are planned each time (`planned_each_time`; each write also on its own, for the sending
    threads' connections): the table they find the notices in grows from empty."""
    outcomes: dict[int, SendOutcome] = {}
    notices = _for_sending(notice_ids)
    done: list[Notice] = []  # done with here: the next notice to the same person may go
    queued: list[Notice] = []
    for row, waits in notices:
        if row.state == Notice.State.SENDING and _sending_abandoned(row):
            outcomes[row.pk] = _outcome_unknown(row, reason="the worker stopped during the call")
            done.append(row)
        elif row.state != Notice.State.QUEUED:
            outcomes[row.pk] = Notice.State(row.state)
        elif waits:
            outcomes[row.pk] = Notice.State.QUEUED  # the earlier one dispatches it when done
        else:
            queued.append(row)
    letters = [(letter, _notice_texts(letter[0], html=True)) for letter in notice_letters(queued)]
    claimed = _claim(notice for letter, _texts in letters for notice in letter)
    to_send: list[tuple[list[Notice], AnymailMessage]] = []
    for letter, texts in letters:
        for notice in letter:
            if notice.pk not in claimed:  # another delivery of the same task took it first
                outcomes[notice.pk] = Notice.State(
                    Notice.objects.values_list("state", flat=True).get(pk=notice.pk)
                )
        if taken := [notice for notice in letter if notice.pk in claimed]:
            to_send.append((taken, _email(taken, texts)))
    sending = partial(_claimed_send, own_thread=executor is not None)
    sent = executor.map(sending, to_send) if executor is not None else map(sending, to_send)
    for (letter, _message), letter_outcomes in zip(to_send, sent, strict=True):
        outcomes.update(letter_outcomes)
        done += [
            notice
            for notice in letter
            if letter_outcomes[notice.pk] != Notice.State.QUEUED
            and not isinstance(letter_outcomes[notice.pk], TransientSendError)
        ]
    _next_to_same_person_dispatch(done)
    return outcomes


def _for_sending(notice_ids: Iterable[int]) -> list[tuple[Notice, bool]]:
    """The batch's notices in order, each with what sending reads of its submission, and
    whether an earlier notice to the same person (one address, one submission) is not
    done yet, queued or with the provider. (One settled `unknown` by the same batch, its
    worker gone, still counts at the read: it hands this one on at the batch's end.)

    One statement, its text made once per process (all but the list of ids): the ORM compiled
    it anew for every batch (its join, its EXISTS), a tenth of the worker's CPU."""
    ids = sorted({int(pk) for pk in notice_ids})
    if not ids:
        return []
    select, order = _for_sending_statement(transaction.get_connection().vendor)
    notices = list(
        Notice.objects.raw(
            f"{select} IN ({', '.join(['%s'] * len(ids))}) {order}",
            [Notice.State.QUEUED, Notice.State.SENDING, *ids],
        )
    )
    # Each notice's submission, the rest of it deferred as `only` leaves it (from_db takes the
    # values in the model's order of fields); what the statement read beside the notice's own
    # fields is taken off the notice.
    read = [f.attname for f in Submission._meta.concrete_fields if f.name in _SUBMISSION_READ]
    batch = []
    for notice in notices:
        extra = vars(notice)
        values = [
            notice.submission_id if name == "id" else extra.pop(f"submission_{name}")
            for name in read
        ]
        submission = Submission.from_db(notice._state.db, read, values)
        Notice.submission.field.set_cached_value(notice, submission)
        batch.append((notice, bool(extra.pop("waits"))))
    return batch


@cache
def _for_sending_statement(vendor: str) -> tuple[str, str]:
    db = transaction.get_connection()
    quote = db.ops.quote_name
    notices, submissions = quote(Notice._meta.db_table), quote(Submission._meta.db_table)
    columns = ", ".join(f"n.{quote(field.column)}" for field in Notice._meta.concrete_fields)
    of_submission = ", ".join(
        f"s.{quote(name)} AS {quote(f'submission_{name}')}" for name in _SUBMISSION_FOR_SENDING
    )
    column = {
        f.name: quote(f.column) for f in Notice._meta.concrete_fields if f.name in _PERSON + ("id",)
    }
    submission, email, pk = column["submission"], column["recipient_email"], column["id"]
    earlier_not_done = (
        f"SELECT 1 FROM {notices} e WHERE e.{submission} = n.{submission} "  # noqa: S608
        f"AND e.{email} = n.{email} AND e.{quote('state')} IN (%s, %s) AND e.{pk} < n.{pk}"
    )
    return (
        f"SELECT {columns}, {of_submission}, EXISTS({earlier_not_done}) AS {quote('waits')} "  # noqa: S608
        f"FROM {notices} n JOIN {submissions} s ON s.{quote('id')} = n.{submission} WHERE n.{pk}",
        f"ORDER BY n.{pk}",
    )


def _claim(notices: Iterable[Notice]) -> set[int]:
    """Mark these queued notices `sending`, in one statement; returns the ids this call took
    (a second delivery of the same task, running alongside, takes none of them twice). The
    ORM's update cannot say which rows it changed: PostgreSQL and SQLite 3.35+ have RETURNING."""
    by_pk = {notice.pk: notice for notice in notices}
    if not by_pk:
        return set()
    now = timezone.now()
    db = transaction.get_connection()
    quote, table = db.ops.quote_name, db.ops.quote_name(Notice._meta.db_table)
    when = db.ops.adapt_datetimefield_value(now)
    # The rows are found by their ids alone: the state is compared as an expression, which no
    # index answers. Given the column, PostgreSQL read the state index beside the ids', and
    # that index keeps an entry for every version of a notice ever queued until a vacuum
    # clears them (a notice's updates are not heap-only): 70,000 read for one claim after a
    # benchmark run with autovacuum off, 3.5 ms where the ids take 0.1.
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('state')} = %s, {quote('sending_started_at')} = %s, "  # noqa: S608
            f"{quote('retry_at')} = NULL, {quote('attempts')} = {quote('attempts')} + 1, "
            f"{quote('updated_at')} = %s WHERE {quote('state')} || '' = %s AND {quote('id')} IN "
            f"({', '.join(['%s'] * len(by_pk))}) RETURNING {quote('id')}",
            [Notice.State.SENDING, when, when, Notice.State.QUEUED, *by_pk],
        )
        claimed = {pk for (pk,) in cursor.fetchall()}
    for pk in claimed:
        notice = by_pk[pk]
        notice.state, notice.sending_started_at = Notice.State.SENDING, now
        notice.attempts += 1
    return claimed


def _claimed_send(
    claimed: tuple[list[Notice], AnymailMessage], *, own_thread: bool
) -> dict[int, SendOutcome]:
    """Hand one email of claimed notices to the provider and write down what it answered for
    each recipient. On a thread of its own, the thread's database connection is checked
    before and after, as a request's would be."""
    notices, message = claimed
    if own_thread:
        close_old_connections()
    try:
        try:
            message.send()
        except Exception as error:
            return {notice.pk: _failed_outcome(notice, error) for notice in notices}
        return _answer_record(notices, getattr(message, "anymail_status", None))
    finally:
        if own_thread:
            close_old_connections()


def _failed_outcome(notice: Notice, error: Exception) -> SendOutcome:
    try:
        return _send_failed(notice, error, attempts=notice.attempts)
    except TransientSendError as wait:
        return wait


# What anymail reports for a recipient the provider would not send to.
_REFUSED = {"rejected", "invalid"}


def _answer_record(notices: Sequence[Notice], status) -> dict[int, SendOutcome]:
    """Write down that the provider took the email: each notice `sent` with the message id it
    gave that recipient (one write per id; anymail backends report them, a plain SMTP backend
    none). A recipient it refused while taking the others fails for good."""
    outcomes: dict[int, SendOutcome] = {}
    recipients = {
        address.lower(): recipient
        for address, recipient in (getattr(status, "recipients", None) or {}).items()
    }
    by_message_id: defaultdict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        recipient = recipients.get(notice.recipient_email.lower())
        if recipient is not None and recipient.status in _REFUSED:
            outcomes[notice.pk] = _send_failed(
                notice,
                AnymailRecipientsRefused(
                    f"the provider refused this recipient ({recipient.status})"
                ),
                attempts=notice.attempts,
            )
            continue
        message_id = (
            recipient.message_id if recipient is not None else getattr(status, "message_id", None)
        )
        unknown = message_id is None or isinstance(message_id, set)  # a set: one per recipient
        by_message_id["" if unknown else str(message_id)].append(notice)
    now = timezone.now()
    for message_id, sent in by_message_id.items():
        pks = [notice.pk for notice in sent]
        # Once per email, so in SQL of its own (ops.rowsql): 0.1 ms of CPU against 0.4.
        sent_values = {
            "state": Notice.State.SENT,
            "provider_message_id": message_id,
            "sent_at": now,
            "last_error": "",
            "updated_at": now,
        }
        recorded = _record(
            sent,
            partial(
                rows_update,
                Notice,
                pks,
                sent_values,
                state=[Notice.State.SENDING, Notice.State.UNKNOWN],
            ),
            what=Notice.State.SENT,
        )
        states = {}
        if recorded < len(pks):
            # A tracking event overtook the answer and moved a notice on (delivered, bounced);
            # keep what it said and add what only the answer knows.
            overtaken = Notice.objects.filter(pk__in=pks, sent_at__isnull=True)
            _record(sent, partial(overtaken.update, sent_at=now, updated_at=now), what="sent_at")
            states = dict(Notice.objects.filter(pk__in=pks).values_list("pk", "state"))
        for pk in pks:
            outcomes[pk] = Notice.State(states.get(pk, Notice.State.SENT))
    return outcomes


def _next_to_same_person_dispatch(notices: Sequence[Notice]) -> None:
    """Once notices are done (sent, failed for good, or their outcome unknown), hand the next
    one to each same person to the broker (after commit, if in a transaction); it may have
    been waiting. One query for them all."""
    if not notices:
        return
    # The queued notices by person (one submission, one address), in order: in SQL of its own,
    # as the read (the ORM spent more CPU preparing the two lists than the query took). Their
    # state is looked at here, not asked of the database, for the reason _claim gives.
    submission_ids = sorted({notice.submission_id for notice in notices})
    emails = sorted({notice.recipient_email for notice in notices})
    db = transaction.get_connection()
    quote = db.ops.quote_name
    queued: defaultdict[tuple[int, str], list[int]] = defaultdict(list)
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('submission_id')}, {quote('recipient_email')}, "  # noqa: S608
            f"{quote('state')} FROM {quote(Notice._meta.db_table)} "
            f"WHERE {quote('submission_id')} IN ({', '.join(['%s'] * len(submission_ids))}) "
            f"AND {quote('recipient_email')} IN ({', '.join(['%s'] * len(emails))}) "
            f"ORDER BY {quote('id')}",
            [*submission_ids, *emails],
        )
        for pk, submission_id, email, state in cursor.fetchall():
            if state == Notice.State.QUEUED:
                queued[submission_id, email].append(pk)
    nexts: set[int] = set()
    for notice in notices:
        later = [
            pk for pk in queued[notice.submission_id, notice.recipient_email] if pk > notice.pk
        ]
        if later:
            nexts.add(later[0])
    notices_dispatch_on_commit([Notice(pk=pk) for pk in sorted(nexts)])


class _Outcome(enum.Enum):
    FAILED = "failed"  # the provider refused it: never send it
    RETRY = "retry"  # it did not leave, or the provider said "not now": send it again
    UNKNOWN = "unknown"  # no answer: it may have been sent


def _send_failed(notice: Notice, error: Exception, *, attempts: int) -> Notice.State:
    outcome = _outcome_of(error)
    text = f"{type(error).__name__}: {error}"[:2000]
    if outcome is _Outcome.UNKNOWN:
        return _outcome_unknown(notice, reason=text)
    now = timezone.now()
    sending = Notice.objects.filter(pk=notice.pk, state=Notice.State.SENDING)
    if outcome is _Outcome.FAILED:
        failed = partial(sending.update, state=Notice.State.FAILED, last_error=text, updated_at=now)
        _record([notice], failed, what=Notice.State.FAILED)
        logger.warning("notice %s refused by the provider: %s", notice.pk, text)
        return Notice.State.FAILED
    retry_in = notice_retry_delay(attempts)
    again = partial(
        sending.update,
        state=Notice.State.QUEUED,
        last_error=text,
        retry_at=now + retry_in,
        updated_at=now,
    )
    _record([notice], again, what=Notice.State.QUEUED)
    logger.warning("notice %s not sent (%s); trying again in %s", notice.pk, text, retry_in)
    if retry_in.total_seconds() <= settings.CANDOR_TASK_MAX_COUNTDOWN:
        raise TransientSendError(text, retry_in=retry_in.total_seconds())
    return Notice.State.QUEUED  # the sweeper dispatches it at retry_at


def _outcome_of(error: Exception) -> _Outcome:
    """What a failed call means for the email: refused, not sent, or nobody knows."""
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return _Outcome.FAILED
    if isinstance(error, AnymailAPIError) and error.status_code is not None:
        if 200 <= error.status_code < 300:
            return _Outcome.UNKNOWN  # it took the message; its answer could not be read
        # The provider answered: it did not take the message.
        if error.status_code == 429 or error.status_code >= 500:
            return _Outcome.RETRY
        return _Outcome.FAILED
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return _Outcome.FAILED
    if isinstance(error, smtplib.SMTPResponseException):
        return _Outcome.RETRY if 400 <= error.smtp_code < 500 else _Outcome.FAILED
    if _never_connected(error):
        return _Outcome.RETRY
    if isinstance(error, AnymailError) and not isinstance(error, AnymailAPIError):
        # Refused before any call (configuration, an unsupported feature): nothing left.
        return _Outcome.RETRY
    # A read timeout, a connection dropped mid-call, the task's time limit, anything else
    # raised while the provider had the message.
    return _Outcome.UNKNOWN


def _never_connected(error: BaseException) -> bool:
    """True when the call failed before a connection to the provider was made, so that
    nothing can have been sent: a refused or timed-out connect, a name that does not resolve."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(
            current,
            requests.exceptions.ConnectTimeout
            | urllib3.exceptions.NewConnectionError
            | urllib3.exceptions.ConnectTimeoutError
            | smtplib.SMTPConnectError
            | ConnectionRefusedError
            | socket.gaierror,
        ):
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
    return False


def _outcome_unknown(notice: Notice, *, reason: str) -> Notice.State:
    unknown = partial(
        Notice.objects.filter(pk=notice.pk, state=Notice.State.SENDING).update,
        state=Notice.State.UNKNOWN,
        last_error=reason[:2000],
        updated_at=timezone.now(),
    )
    _record([notice], unknown, what=Notice.State.UNKNOWN)
    logger.error(
        "notice %s: outcome unknown (%s); not sent again until the provider's tracking events "
        "or staff settle it",
        notice.pk,
        reason,
    )
    return Notice.State.UNKNOWN


def _sending_abandoned(notice: Notice) -> bool:
    """A notice `sending` for longer than a task may run has no task sending it any more."""
    started = notice.sending_started_at
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)
    return started is None or timezone.now() - started > limit


def _record(notices: Sequence[Notice], write: Callable[[], int], *, what: str) -> int:
    """Write what a send came to (`what`, for the log): `write` makes the one write and says
    how many rows it changed. Once the provider has answered, this write must not be lost to a
    database that is restarting: it is tried again for CANDOR_NOTICE_RECORD_SECONDS. Returns
    how many rows were written (0 when the notice had moved on meanwhile)."""
    deadline = time.monotonic() + settings.CANDOR_NOTICE_RECORD_SECONDS
    wait = 0.2
    while True:
        try:
            with planned_each_time():
                return write()
        except (OperationalError, InterfaceError) as error:
            if time.monotonic() + wait > deadline:
                logger.error(
                    "notices %s: could not record %s (%s); it stays `sending` and becomes "
                    "`unknown`, never sent again by itself",
                    _ids(notices),
                    what,
                    error,
                )
                raise
            logger.warning(
                "notices %s: database unavailable (%s); trying again", _ids(notices), error
            )
            # The connection is dead: drop it, so that the next try opens a new one.
            connection.close()
            time.sleep(wait)
            wait = min(wait * 2, 2.0)


def _ids(notices: Sequence[Notice]) -> str:
    return ", ".join(str(notice.pk) for notice in notices)


def notice_retry_delay(attempts: int) -> timedelta:
    """Back off between attempts: 30 s, 1, 2, 4 … minutes, at most an hour (the base is
    CANDOR_NOTICE_RETRY_SECONDS, lowered by the fault tests)."""
    base = settings.CANDOR_NOTICE_RETRY_SECONDS
    return timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


def notice_send_again(*, notice: Notice) -> bool:
    """Queue a notice whose outcome is unknown for sending again, once a person has decided
    the recipient did not get it (the email may then arrive twice). True when it was queued;
    False when it had moved on meanwhile (e.g. a delivery event settled it)."""
    with transaction.atomic():
        now = timezone.now()
        queued = Notice.objects.filter(pk=notice.pk, state=Notice.State.UNKNOWN).update(
            state=Notice.State.QUEUED, retry_at=None, updated_at=now, dispatched_at=now
        )
        if queued:
            notice.dispatched_at = now
            notices_dispatch_on_commit([notice])
    return bool(queued)


def notices_unknown_settle() -> int:
    """Notices left `sending` by a task that can no longer be running (its worker died during
    the call) become `unknown`; returns how many. Run by the sweeper."""
    cutoff = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)
    settled = [
        notice
        for notice in Notice.objects.filter(
            state=Notice.State.SENDING, sending_started_at__lt=cutoff
        )
        if Notice.objects.filter(pk=notice.pk, state=Notice.State.SENDING).update(
            state=Notice.State.UNKNOWN,
            last_error="The worker stopped while the provider had the message.",
            updated_at=timezone.now(),
        )
    ]
    _next_to_same_person_dispatch(settled)
    if settled:
        logger.error("%s notice(s) left sending by a stopped worker: outcome unknown", len(settled))
    return len(settled)


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
    Notice.State.SENDING: 1,
    Notice.State.UNKNOWN: 1,
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
    notice_id: str | None = None,
) -> DeliveryEvent | None:
    """Store one tracking event and move its notice along. A repeated event (same event id;
    for providers that send none, the same message, type, recipient and time) changes
    nothing and returns None.

    `notice_id` is what the email carried in its metadata: the ids of its notices, separated
    by commas. It finds a notice whose send got no answer (`unknown`, or still `sending`),
    which has no provider message id to match: the event shows the provider did take the
    message, and settles it. Of an email to several recipients, `recipient` says which."""
    occurred_at = occurred_at or timezone.now()
    if not event_id:
        raw = f"{message_id}|{event_type}|{recipient}|{occurred_at.isoformat()}"
        event_id = "derived-" + hashlib.sha256(raw.encode()).hexdigest()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().select_related("submission").order_by("pk")
        notice = _addressed(
            locked.filter(provider_message_id=message_id).exclude(provider_message_id=""),
            recipient,
        )
        notice_ids = [int(pk) for pk in str(notice_id or "").split(",") if pk.isdigit()]
        if notice is None and notice_ids:
            notice = _addressed(
                locked.filter(
                    pk__in=notice_ids,
                    provider_message_id="",
                    state__in=[Notice.State.SENDING, Notice.State.UNKNOWN],
                ),
                recipient,
            )
            if notice is not None:
                notice.provider_message_id = message_id[:200]
                notice.save(update_fields=["provider_message_id", "updated_at"])
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


def _addressed(notices: QuerySet[Notice], recipient: str) -> Notice | None:
    """The notice an event about one email is for: the one to the event's recipient. An email
    to several recipients (SHARED_KINDS) carries one message id for them all, so the id alone
    does not say whose it is; an event that names no recipient can only settle an email's
    only notice."""
    found = list(notices)
    if recipient.strip():
        address = recipient.strip().lower()
        return next((notice for notice in found if notice.recipient_email == address), None)
    return found[0] if len(found) == 1 else None


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
    # A notice whose send got no answer was sent after all: the event is the proof.
    notice.sent_at = notice.sent_at or event.occurred_at
    notice.save(
        update_fields=["state", "sent_at", "delivered_at", "bounced_at", "last_error", "updated_at"]
    )
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


def paper_letter_mark_posted(*, letter: PaperLetter, actor, client: str | None = None) -> None:
    """Record that a letter went out by post (the first time counts) and who said so."""
    with transaction.atomic():
        PaperLetter.objects.filter(pk=letter.pk, state=PaperLetter.State.TO_PRINT).update(
            state=PaperLetter.State.POSTED, posted_at=timezone.now(), posted_by=actor
        )
        audit_record(
            action=AuditAction.LETTER_MARK_POSTED,
            submission=letter.submission,
            actor=actor,
            client=client,
        )


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
        # Signed only for the templates that show it (the commendation notices), and once:
        # templates call a callable they are given.
        "acknowledge_url": cache(partial(notice_acknowledge_url, notice)),
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
