"""Reading cases for the staff pages. Every function starts from what the person may see
(cases/permissions.py) and never widens it."""

from dataclasses import dataclass
from datetime import date
from itertools import chain

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from intake.models import InvolvedEmployee
from staff.models import Queue

from .models import Allegation, Case
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


SORTS = {
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "received": ("submission__received_at", "id"),
    "-received": ("-submission__received_at", "-id"),
    "status": ("status", "due_date", "id"),
    "priority": ("priority", "due_date", "id"),
    "tracking": ("submission__tracking_number",),
    "-tracking": ("-submission__tracking_number",),
}


@dataclass
class CaseFilters:
    queue: Queue | None = None
    status: str = ""
    assignee_id: int | None = None
    unassigned: bool = False
    allegation: str = ""
    unit_id: int | None = None
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    search: str = ""
    sort: str = "due"


def case_list(*, user, filters: CaseFilters) -> QuerySet[Case]:
    """The cases the user sees, filtered, searched and sorted; a fixed number of queries
    however many there are."""
    cases = cases_visible_to(user)
    if filters.queue is not None:
        cases = cases.filter(queue=filters.queue)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.unassigned:
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee_id:
        cases = cases.filter(assignee_id=filters.assignee_id)
    if filters.allegation:
        cases = cases.filter(
            Exists(Allegation.objects.filter(case=OuterRef("pk"), category=filters.allegation))
            | Q(submission__categories__icontains=f'"{filters.allegation}"')
        )
    if filters.unit_id:
        cases = cases.filter(
            Exists(
                InvolvedEmployee.objects.filter(
                    submission=OuterRef("submission"), employee__unit_id=filters.unit_id
                )
            )
        )
    if filters.overdue:
        cases = cases.filter(OPEN, due_date__lt=timezone.localdate())
    if filters.received_from:
        cases = cases.filter(submission__received_at__date__gte=filters.received_from)
    if filters.received_to:
        cases = cases.filter(submission__received_at__date__lte=filters.received_to)
    if filters.search:
        cases = cases.filter(_search(filters.search.strip()))
    return cases.select_related("submission", "assignee", "queue").order_by(
        *SORTS.get(filters.sort, SORTS["due"])
    )


def _search(words: str) -> Q:
    """A tracking number, an employee (name, badge or roster name) or words in the account."""
    if words.upper().startswith(("C-", "K-")):
        # Numbers are stored upper-case: an exact match uses the unique index (iexact cannot).
        return Q(submission__tracking_number=words.strip().upper())
    employee = InvolvedEmployee.objects.filter(submission=OuterRef("submission")).filter(
        Q(name__icontains=words)
        | Q(badge__iexact=words)
        | Q(employee__last_name__icontains=words)
        | Q(employee__dsn__iexact=words)
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
