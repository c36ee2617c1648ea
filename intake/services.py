"""Storing what the public sends. A view or the JSON endpoint validates; these functions store."""

import hashlib
import json
import logging
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from datetime import date, time

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.models import AuditAction
from audit.services import audit_record
from directory.models import ServiceArea
from ops.refusals import Refused
from ops.rowsql import row_by_unique

from .abuse import rate_check, spam_reasons
from .attachments import CheckedAttachment, attachment_files_delete, attachment_store
from .models import Attachment, InvolvedEmployee, Message, Submission, Witness
from .outbox import routing_dispatch, routing_publish, routing_queued_fields
from .tracking import (
    numbered_insert_alone,
    status_token_digest,
    status_token_for,
    submission_insert,
)

logger = logging.getLogger(__name__)


@dataclass
class EmployeeData:
    name: str = ""
    badge: str = ""
    car_number: str = ""
    description: str = ""


@dataclass
class WitnessData:
    name: str = ""
    contact: str = ""


@dataclass
class SubmissionData:
    """Validated input for one submission, whatever form or endpoint it came from."""

    kind: str
    narrative: str
    language: str = "en"
    channel: str = Submission.Channel.WEB
    submitter_name: str = ""
    submitter_email: str = ""
    submitter_phone: str = ""
    submitter_address: str = ""
    preferred_contact: str = ""
    on_behalf_of_other: bool = False
    relationship: str = ""
    other_person_contact: str = ""
    occurred_on: date | None = None
    occurred_time: time | None = None
    occurred_approximate: bool = False
    location: str = ""
    service_area_id: int | None = None
    categories: list[str] = field(default_factory=list)
    share_publicly: bool = False
    declaration: bool = False
    employees: list[EmployeeData] = field(default_factory=list)
    witnesses: list[WitnessData] = field(default_factory=list)


@dataclass
class Receipt:
    """What the submitter gets back: the tracking number and the secret status-link token."""

    submission: Submission
    status_token: str
    created: bool


class KeyReuse(models.TextChoices):
    """What to do when an idempotency key comes again with different content."""

    # A partner system reusing a key for another message has a bug: tell it (422).
    REFUSE = "refuse", gettext_lazy("Refuse the different content")
    # A resident who went back, edited and sent again means the edit: store it as well.
    STORE_AS_NEW = "store_as_new", gettext_lazy("Store the different content as its own submission")


class AreaGone(Refused):
    """The area the form named was deleted after the form was checked; nothing was stored."""

    def __init__(self):
        super().__init__(
            _(
                "The area you chose is no longer on the list. Please choose the area again: "
                "everything else you typed is still below."
            ),
            field="service_area",
        )


class IdempotencyConflict(Refused):
    """The idempotency key was used before for different content; nothing was stored."""

    def __init__(self):
        super().__init__(
            _(
                "This Idempotency-Key was already used for a different submission. Send new "
                "content with a new key; send the same content to get its receipt again."
            )
        )


def submission_fingerprint(
    *, data: SubmissionData, attachments: list[CheckedAttachment] | None = None
) -> str:
    """A digest of everything that was sent, files included: equal for a resend, different
    for any edit. What is digested is `dataclasses.asdict(data)`, the fingerprints stored
    before depend on it; built without asdict's deep copy of every value (a tenth of storing
    a submission), as nothing here changes what it reads."""
    sent = {name: getattr(data, name) for name in _DATA_FIELDS}
    sent["employees"] = [vars(person) for person in data.employees]
    sent["witnesses"] = [vars(person) for person in data.witnesses]
    sent["files"] = [a.sha256 for a in attachments or []]
    return hashlib.sha256(json.dumps(sent, sort_keys=True, default=str).encode()).hexdigest()


_DATA_FIELDS = tuple(f.name for f in fields(SubmissionData))


def _key_for_content(*, key: str, fingerprint: str, on_reuse: str) -> tuple[str, Submission | None]:
    """The key to store this content under, and what is stored under it already (None for new
    content): the key itself, unless it already names different content, in which case a key
    derived from both (so that the edited version sent twice is still stored once), or
    IdempotencyConflict. Asked when it must be known before storing (a resend over the rate
    limit, a key that named different content); the wide row is read only when it is there to
    be returned."""
    stored = _stored_under(key)
    if stored is not None and stored[1] not in ("", fingerprint):
        if on_reuse == KeyReuse.REFUSE:
            raise IdempotencyConflict
        key = hashlib.sha256(f"{key}:{fingerprint}".encode()).hexdigest()[:32]
        stored = _stored_under(key)
    return key, None if stored is None else Submission.objects.get(pk=stored[0])


def _stored_under(key: str) -> tuple[int, str] | None:
    """(id, content fingerprint) of the submission stored under this idempotency key, in SQL
    of its own (ops.rowsql)."""
    return row_by_unique(Submission, "idempotency_key", key, "id", "idempotency_fingerprint")


def submission_receive(
    *,
    data: SubmissionData,
    attachments: list[CheckedAttachment] | None = None,
    idempotency_key: str | None = None,
    on_key_reuse: str = KeyReuse.REFUSE,
    client: str | None = None,
    honeypot: str = "",
) -> Receipt:
    """The way in for everything the public sends (web form and JSON API): count the attempt
    against the client's rate limit (refuses over the hard limit, but never what was stored
    already: a resend over the limit still gets its receipt), judge whether it looks like spam,
    and store it, held in quarantine if it does. A suspect submission is never dropped. The
    same key with the same content returns the first receipt; with different content it is
    refused (IdempotencyConflict) or stored as its own submission, as `on_key_reuse` says:
    never dropped in favour of the first.

    New content under a new key, the usual case, is stored without looking for the key first:
    the key's unique index finds a resend (submission_create gives back what is stored under
    it), at the cost of an insert that fails, where the look cost every submission a query."""
    fingerprint = submission_fingerprint(data=data, attachments=attachments)
    burst = False
    if client is not None:
        check = rate_check(scope="submission", client=client)
        if not check.allowed:
            if idempotency_key:
                key, stored = _key_for_content(
                    key=idempotency_key, fingerprint=fingerprint, on_reuse=on_key_reuse
                )
                if stored is not None:  # sent again: its receipt, whatever the limit
                    return Receipt(
                        submission=stored, status_token=status_token_for(key), created=False
                    )
            minutes = _minutes(check.retry_after)
            raise Refused(
                ngettext(
                    "You have sent several forms in a short time. Please wait %(minutes)d "
                    "minute and send it again: everything you typed is still below.",
                    "You have sent several forms in a short time. Please wait %(minutes)d "
                    "minutes and send it again: everything you typed is still below.",
                    minutes,
                )
                % {"minutes": minutes},
                retry_after=check.retry_after,
            )
        burst = check.burst
    reasons = spam_reasons(texts=_texts_of(data), honeypot=honeypot, burst=burst)
    receipt = submission_create(
        data=data,
        attachments=attachments,
        idempotency_key=idempotency_key,
        quarantine_reason="; ".join(reasons),
        fingerprint=fingerprint,
    )
    first = receipt.submission.idempotency_fingerprint
    if receipt.created or not idempotency_key or first in ("", fingerprint):
        return receipt
    # The key names different content, stored before (or raced in first): refused, or
    # stored under a key derived from both (which finds the edit if it was stored already).
    if on_key_reuse == KeyReuse.REFUSE:
        raise IdempotencyConflict
    return submission_create(
        data=data,
        attachments=attachments,
        idempotency_key=_key_for_content(
            key=idempotency_key, fingerprint=fingerprint, on_reuse=on_key_reuse
        )[0],
        quarantine_reason="; ".join(reasons),
        fingerprint=fingerprint,
    )


def _texts_of(data: SubmissionData) -> list[str]:
    texts = [
        data.narrative,
        data.submitter_name,
        data.submitter_address,
        data.other_person_contact,
        data.location,
    ]
    texts += [e.description for e in data.employees] + [e.name for e in data.employees]
    texts += [w.name for w in data.witnesses] + [w.contact for w in data.witnesses]
    return texts


def submission_create(
    *,
    data: SubmissionData,
    attachments: list[CheckedAttachment] | None = None,
    idempotency_key: str | None = None,
    entered_by=None,
    quarantine_reason: str = "",
    fingerprint: str = "",
) -> Receipt:
    """Store a submission and everything attached to it, files included, in one transaction,
    numbered; routing is published once the transaction commits, unless a quarantine reason
    holds it `pending` for staff. The same idempotency key stores once and returns the first
    receipt again."""
    key = idempotency_key or uuid.uuid4().hex
    token = status_token_for(key)
    fields = {name: getattr(data, name) for name in _SUBMISSION_FIELDS}
    now = timezone.now()
    stored_files: list[Attachment] = []
    # Without files, on PostgreSQL, the submission and its people are one statement, a
    # transaction by itself (tracking.submission_insert); inside a caller's transaction, a
    # savepoint still keeps a refused insert from spoiling it.
    alone = (
        not attachments
        and numbered_insert_alone()
        and not transaction.get_connection().in_atomic_block
    )
    try:
        with nullcontext() if alone else transaction.atomic():
            receipt = _store(
                data=data,
                fields=fields,
                key=key,
                token=token,
                now=now,
                entered_by=entered_by,
                attachments=attachments or [],
                stored_files=stored_files,
                quarantine_reason=quarantine_reason[:200],
                fingerprint=fingerprint,
            )
    except IntegrityError:
        _files_delete(stored_files)
        # The unique key is the duplicate check: a request with the same key that got there
        # first (a double click, a partner's retry) stored it, and this one gets its receipt.
        existing = Submission.objects.filter(idempotency_key=key).first()
        if existing is None:
            area = data.service_area_id
            if area is not None and not ServiceArea.objects.filter(pk=area).exists():
                raise AreaGone from None
            raise
        return Receipt(submission=existing, status_token=token, created=False)
    except BaseException:
        _files_delete(stored_files)
        raise
    if receipt.created:
        logger.info("stored %s", receipt.submission.tracking_number)
    return receipt


def _files_delete(stored_files: list[Attachment]) -> None:
    # Storage is not transactional: a file written before the rollback goes with it.
    for attachment in stored_files:
        attachment_files_delete(attachment)


def _store(
    *,
    data,
    fields,
    key,
    token,
    now,
    entered_by,
    attachments,
    stored_files,
    quarantine_reason,
    fingerprint,
) -> Receipt:
    # A second submission under the same key fails on the key's unique index (IntegrityError,
    # handled by the caller), which also gives its tracking number back.
    quarantined = bool(quarantine_reason)
    submission = Submission(
        status_token_digest=status_token_digest(token),
        idempotency_key=key,
        idempotency_fingerprint=fingerprint,
        received_at=now,
        entered_by=entered_by,
        quarantined=quarantined,
        quarantine_reason=quarantine_reason,
        # Held in quarantine: pending until staff release it. Otherwise published after
        # commit, and stored as handed to the broker already (intake/outbox.py).
        **({} if quarantined else routing_queued_fields(now=now)),
        **fields,
    )
    # Numbered and inserted in SQL of its own: the ORM's inserts cost more CPU than the
    # statements.
    submission_insert(
        submission,
        year=timezone.localdate(now).year,
        people=[
            [InvolvedEmployee(**vars(e)) for e in data.employees],
            [Witness(**vars(w)) for w in data.witnesses],
        ],
    )
    for checked in attachments:
        stored_files.append(attachment_store(submission=submission, checked=checked))
    if not quarantined:
        transaction.on_commit(lambda: routing_publish(submission_id=submission.pk))
    return Receipt(submission=submission, status_token=token, created=True)


def quarantine_release(*, submission: Submission, by, client: str | None = None) -> Submission:
    """Staff judged a held submission genuine: it leaves quarantine and is routed like any
    other. Releasing twice, or releasing a discarded one, changes nothing."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if not submission.quarantined or submission.quarantine_decision:
            return submission
        submission.quarantined = False
        submission.quarantine_decision = Submission.QuarantineDecision.RELEASED
        submission.quarantine_decided_at = timezone.now()
        submission.quarantine_decided_by = by
        submission.save(
            update_fields=[
                "quarantined",
                "quarantine_decision",
                "quarantine_decided_at",
                "quarantine_decided_by",
            ]
        )
        audit_record(
            action=AuditAction.QUARANTINE_RELEASE, submission=submission, actor=by, client=client
        )
        transaction.on_commit(lambda: routing_dispatch(submission_ids=[submission.pk]))
    return submission


def quarantine_discard(*, submission: Submission, by, client: str | None = None) -> Submission:
    """Staff judged a held submission spam: it is kept, numbered and marked discarded, and never
    routed."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if not submission.quarantined or submission.quarantine_decision:
            return submission
        submission.quarantine_decision = Submission.QuarantineDecision.DISCARDED
        submission.quarantine_decided_at = timezone.now()
        submission.quarantine_decided_by = by
        submission.save(
            update_fields=["quarantine_decision", "quarantine_decided_at", "quarantine_decided_by"]
        )
        audit_record(
            action=AuditAction.QUARANTINE_DISCARD, submission=submission, actor=by, client=client
        )
    return submission


def message_from_submitter(*, submission: Submission, body: str, client: str | None) -> Message:
    """A message the submitter writes on the status page, to the staff working it. Counted
    against the same kind of rate limit as submissions."""
    if client is not None:
        check = rate_check(scope="message", client=client)
        if not check.allowed:
            raise Refused(
                _(
                    "You have sent several messages in a short time. Please wait and "
                    "send it again: your message is still below."
                ),
                retry_after=check.retry_after,
            )
    return Message.objects.create(submission=submission, author=Message.Author.SUBMITTER, body=body)


_SUBMISSION_FIELDS = [
    "kind",
    "narrative",
    "language",
    "channel",
    "submitter_name",
    "submitter_email",
    "submitter_phone",
    "submitter_address",
    "preferred_contact",
    "on_behalf_of_other",
    "relationship",
    "other_person_contact",
    "occurred_on",
    "occurred_time",
    "occurred_approximate",
    "location",
    "service_area_id",
    "categories",
    "share_publicly",
    "declaration",
]


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))
