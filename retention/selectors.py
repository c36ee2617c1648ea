"""What has passed its date under the retention schedule, and the legal holds."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import Allegation, Case
from commendations.models import Commendation
from intake.models import Submission
from ops.calendar import months_after, months_before

from .models import DEFAULT_MONTHS, Anonymisation, LegalHold, Outcome, RetentionPeriod

ENDINGS: dict[str, str | None] = {
    Case.Status.CLOSED: None,  # decided by the findings
    Case.Status.MEDIATED: Outcome.MEDIATED,
    Case.Status.REFERRED: Outcome.REFERRED,
    Case.Status.MERGED: Outcome.MERGED,
}


@dataclass(frozen=True)
class Due:
    """A submission whose retention period has run out."""

    submission_id: int
    tracking_number: str
    outcome: str
    ended_on: date
    due_on: date

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


def schedule() -> dict[str, int]:
    """Months to keep, per outcome: the admin's schedule, the installed default where a line is
    missing."""
    months = {outcome: DEFAULT_MONTHS[Outcome(outcome)] for outcome in Outcome.values}
    months.update(RetentionPeriod.objects.values_list("outcome", "months"))
    return months


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True)


def _not_kept_back(submission_field: str) -> Q:
    """Neither anonymised already nor under a legal hold."""
    return ~Q(Exists(Anonymisation.objects.filter(submission=OuterRef(submission_field)))) & ~Q(
        Exists(active_holds().filter(submission=OuterRef(submission_field)))
    )


def _before(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def due_for_anonymisation(*, today: date, limit: int | None = None) -> list[Due]:
    """Every case, commendation and discarded spam whose period has run out by `today`, oldest
    due first; nothing under a legal hold, nothing anonymised already. Five queries."""
    months = schedule()
    due: list[Due] = []

    # Cases: a closed case is kept as long as its longest-kept finding requires.
    case_months = [
        months[o]
        for o in Outcome.values
        if o not in (Outcome.COMMENDATION, Outcome.QUARANTINED_SPAM)
    ]
    ended = list(
        Case.objects.filter(
            status__in=list(ENDINGS), closed_at__lt=_before(months_before(today, min(case_months)))
        )
        .filter(_not_kept_back("submission_id"))
        .values_list("id", "submission_id", "submission__tracking_number", "status", "closed_at")
    )
    findings: dict[int, set[str]] = {}
    closed_ids = [row[0] for row in ended if row[3] == Case.Status.CLOSED]
    for case_id, finding in (
        Allegation.objects.filter(case_id__in=closed_ids)
        .exclude(finding="")
        .values_list("case_id", "finding")
    ):
        findings.setdefault(case_id, set()).add(finding)
    for case_id, submission_id, number, status, closed_at in ended:
        if closed_at is None:  # not possible for an ended case; the type does not know it
            continue
        outcome = ENDINGS[status] or max(
            findings.get(case_id) or {Outcome.ADMIN_CLOSED},
            key=lambda finding: months[finding],
        )
        ended_on = timezone.localdate(closed_at)
        due.append(
            Due(submission_id, number, outcome, ended_on, months_after(ended_on, months[outcome]))
        )

    # Commendations: kept from the day they were received.
    kept = months[Outcome.COMMENDATION]
    for submission_id, number, received in (
        Commendation.objects.filter(submission__received_at__lt=_before(months_before(today, kept)))
        .filter(_not_kept_back("submission_id"))
        .values_list("submission_id", "submission__tracking_number", "submission__received_at")
    ):
        ended_on = timezone.localdate(received)
        due.append(
            Due(submission_id, number, Outcome.COMMENDATION, ended_on, months_after(ended_on, kept))
        )

    # Spam staff discarded: kept from the day it was discarded.
    kept = months[Outcome.QUARANTINED_SPAM]
    for submission_id, number, decided in (
        Submission.objects.filter(
            quarantined=True,
            quarantine_decision=Submission.QuarantineDecision.DISCARDED,
            quarantine_decided_at__lt=_before(months_before(today, kept)),
        )
        .filter(_not_kept_back("pk"))
        .values_list("pk", "tracking_number", "quarantine_decided_at")
    ):
        ended_on = timezone.localdate(decided)
        due.append(
            Due(
                submission_id,
                number,
                Outcome.QUARANTINED_SPAM,
                ended_on,
                months_after(ended_on, kept),
            )
        )

    due = sorted((d for d in due if d.due_on <= today), key=lambda d: (d.due_on, d.submission_id))
    return due[:limit] if limit is not None else due
