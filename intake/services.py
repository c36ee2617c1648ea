"""Storing what the public sends. A view or the JSON endpoint validates; these functions store."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from .models import InvolvedEmployee, Submission, Witness
from .tracking import status_token_digest, status_token_for, tracking_number_next

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


def submission_create(
    *, data: SubmissionData, idempotency_key: str | None = None, entered_by=None
) -> Receipt:
    """Store a submission and everything attached to it in one transaction, numbered and marked
    `pending` routing; routing is dispatched once the transaction commits. The same
    idempotency key stores once and returns the first receipt again."""
    key = idempotency_key or uuid.uuid4().hex
    token = status_token_for(key)
    existing = Submission.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return Receipt(submission=existing, status_token=token, created=False)

    fields = {name: getattr(data, name) for name in _SUBMISSION_FIELDS}
    now = timezone.now()
    with transaction.atomic():
        # Numbers are taken under a row lock, so the duplicate check is repeated inside it:
        # two identical requests racing here store one submission.
        number = tracking_number_next(kind=data.kind, year=timezone.localdate(now).year)
        existing = Submission.objects.filter(idempotency_key=key).first()
        if existing is not None:
            transaction.set_rollback(True)
            return Receipt(submission=existing, status_token=token, created=False)
        submission = Submission.objects.create(
            tracking_number=number,
            status_token_digest=status_token_digest(token),
            idempotency_key=key,
            received_at=now,
            entered_by=entered_by,
            **fields,
        )
        InvolvedEmployee.objects.bulk_create(
            InvolvedEmployee(submission=submission, **vars(e)) for e in data.employees
        )
        Witness.objects.bulk_create(
            Witness(submission=submission, **vars(w)) for w in data.witnesses
        )
        from routing.dispatch import routing_dispatch

        transaction.on_commit(lambda: routing_dispatch(submission_ids=[submission.pk]))
    logger.info("stored %s", number)
    return Receipt(submission=submission, status_token=token, created=True)


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
