"""Reading cases for the staff pages. Every function starts from what the person may see
(cases/permissions.py) and never widens it."""

from dataclasses import dataclass
from itertools import chain

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from intake.models import InvolvedEmployee
from staff.models import Queue

from .models import Case
from .permissions import cases_visible_to, queues_visible_to

OPEN = Q(status__in=Case.OPEN_STATUSES)


def queues_for(user) -> QuerySet[Queue]:
    """The queues a staff member sees, with counts of open, unassigned and overdue cases."""
    open_cases = Q(cases__status__in=Case.OPEN_STATUSES)
    return queues_visible_to(user).annotate(
        open_count=Count("cases", filter=open_cases, distinct=True),
        unassigned_count=Count(
            "cases", filter=open_cases & Q(cases__assignee__isnull=True), distinct=True
        ),
        overdue_count=Count(
            "cases", filter=open_cases & Q(cases__due_date__lt=timezone.localdate()), distinct=True
        ),
    )


def status_counts_for(user) -> dict[int, dict[str, int]]:
    """Per queue id: the number of cases in each status (one query)."""
    counts: dict[int, dict[str, int]] = {}
    rows = cases_visible_to(user).values("queue_id", "status").order_by().annotate(n=Count("id"))
    for row in rows:
        counts.setdefault(row["queue_id"], {})[row["status"]] = row["n"]
    return counts


def cases_in_queue(*, queue: Queue) -> QuerySet[Case]:
    return (
        Case.objects.filter(queue=queue)
        .select_related("submission", "assignee")
        .order_by("due_date", "id")
    )


def case_search(words: str) -> Q:
    """A tracking number; or an employee as the resident named them (name, badge or car
    number) or as the roster knows them (first and last name, DSN, car number); or words in the
    account."""
    if words.upper().startswith(("C-", "K-")):
        # Numbers are stored upper-case: an exact match uses the unique index (iexact cannot).
        return Q(submission__tracking_number=words.strip().upper())
    roster_name = Q()
    for word in words.split()[:5]:
        # "Ana Morales" finds Ana Morales in the roster: every word in the first or last name.
        roster_name &= Q(employee__first_name__icontains=word) | Q(
            employee__last_name__icontains=word
        )
    employee = InvolvedEmployee.objects.filter(submission=OuterRef("submission")).filter(
        Q(name__icontains=words)
        | Q(badge__iexact=words)
        | Q(car_number__iexact=words)
        | Q(employee__dsn__iexact=words)
        | Q(employee__car_number__iexact=words)
        | roster_name
    )
    return Exists(employee) | Q(submission__narrative__icontains=words)


def case_detail(*, user) -> QuerySet[Case]:
    """The case page's query: the case and its submission, ready for permissions.case_for."""
    return cases_visible_to(user).select_related(
        "submission", "submission__service_area", "assignee", "queue", "merged_into__submission"
    )


@dataclass
class TimelineEntry:
    at: object
    kind: str
    text: str
    who: str = ""


def case_timeline(*, case: Case, audit: list[AuditEvent], notices: list, messages: list):
    """Everything that happened, oldest first: audit events, notices and messages."""
    entries = chain(
        (
            TimelineEntry(
                at=event.at,
                kind="audit",
                text=str(event.label),
                who=event.actor.get_username() if event.actor else "",
            )
            for event in audit
            if event.action != "case.view"
        ),
        (
            TimelineEntry(
                at=notice.created_at,
                kind="notice",
                text=f"{notice.get_kind_display()} → {notice.recipient_email}: "
                f"{notice.get_state_display()}",
            )
            for notice in notices
        ),
        (
            TimelineEntry(
                at=message.created_at,
                kind="message",
                text=message.body[:200],
                who=message.get_author_display(),
            )
            for message in messages
        ),
    )
    return sorted(entries, key=lambda entry: entry.at)
