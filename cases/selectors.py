"""Reading cases for the staff pages. Every function starts from what the person may see
(cases/permissions.py) and never widens it."""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction, AuditEvent
from intake.attachments import active_content_labels
from intake.models import AllegationCategory, InvolvedEmployee, Message, Submission
from staff.models import Queue

from .models import Allegation, Case
from .permissions import Action, can, cases_visible_to, queues_visible_to

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


# --- Work lists: what the staff home shows each role ------------------------------------------


def open_cases(*, user) -> QuerySet[Case]:
    """The open cases the user sees, soonest due first, with what a row shows."""
    return (
        cases_visible_to(user)
        .filter(OPEN)
        .select_related("submission", "assignee", "queue")
        .order_by("due_date", "id")
    )


def due_soon_until(today: date | None = None) -> date:
    """The last day of "due soon": as far ahead as the assignee's reminder."""
    return (today or timezone.localdate()) + timedelta(days=settings.CANDOR_DUE_REMINDER_DAYS)


def cases_awaiting_reply(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases whose latest message came from the complainant: written to, not yet answered."""
    last_author = Message.objects.filter(submission=OuterRef("submission")).order_by(
        "-created_at", "-id"
    )
    return queryset.alias(last_message_by=Subquery(last_author.values("author")[:1])).filter(
        last_message_by=Message.Author.SUBMITTER
    )


def investigator_work(*, user, today: date | None = None) -> dict[str, QuerySet[Case]]:
    """An investigator's day: their open cases, those due soon and overdue, those the
    complainant wrote on, and the unassigned cases of their queues."""
    today = today or timezone.localdate()
    mine = open_cases(user=user).filter(assignee=user)
    return {
        "mine": mine,
        "due_soon": mine.filter(due_date__gte=today, due_date__lte=due_soon_until(today)),
        "overdue": mine.filter(due_date__lt=today),
        "awaiting_reply": cases_awaiting_reply(mine),
        "unassigned": open_cases(user=user).filter(assignee__isnull=True),
    }


def commander_work(*, user) -> dict[str, QuerySet[Case]]:
    """A commander's day: findings to approve and the unassigned cases of their queues."""
    return {
        "to_approve": open_cases(user=user).filter(status=Case.Status.FINDINGS_SUBMITTED),
        "unassigned": open_cases(user=user).filter(assignee__isnull=True),
    }


@dataclass
class OverdueCount:
    assignee_id: int | None
    name: str
    count: int


def overdue_by_assignee(*, user, today: date | None = None) -> list[OverdueCount]:
    """How many open cases each investigator has overdue (and how many nobody has), most first,
    in one query."""
    today = today or timezone.localdate()
    rows = (
        cases_visible_to(user)
        .filter(OPEN, due_date__lt=today)
        .values("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n", "assignee__last_name", "assignee__username")
    )
    return [
        OverdueCount(
            assignee_id=row["assignee_id"],
            name=" ".join(filter(None, [row["assignee__first_name"], row["assignee__last_name"]]))
            or row["assignee__username"]
            or "",
            count=row["n"],
        )
        for row in rows
    ]


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


def message_author(message: Message) -> str:
    """Who wrote a message, as staff read it: the complainant, or the staff member by name (the
    complainant's own page says "You" and "Professional Standards")."""
    if message.author == Message.Author.SUBMITTER:
        return str(_("Complainant"))
    user = message.staff_user
    if user is None:
        return str(_("Professional Standards"))
    return user.get_full_name() or user.get_username()


@dataclass
class TimelineEntry:
    at: object
    kind: str
    text: str
    who: str = ""


def case_timeline(*, case: Case, audit: list[AuditEvent], notices: list, messages: list):
    """Everything that happened, oldest first: audit events, notices and messages. Queuing a
    notice is shown once, as the notice itself (with whom it went to and how it fared), not a
    second time as its audit event."""
    entries = chain(
        (
            TimelineEntry(
                at=event.at,
                kind="audit",
                text=str(event.label),
                who=(event.actor.get_full_name() or event.actor.get_username())
                if event.actor
                else "",
            )
            for event in audit
            if event.action not in (AuditAction.CASE_VIEW, AuditAction.NOTICE_QUEUE)
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
                who=message_author(message),
            )
            for message in messages
        ),
    )
    return sorted(entries, key=lambda entry: entry.at)


@dataclass
class CaseFile:
    """Everything the case page and the printed case file show, read in a fixed number of
    queries. The audit trail is there only for those who may read it."""

    case: Case
    submission: Submission
    categories: list[str]
    language: str
    attachments: list  # (attachment, the active content it carries, as labels)
    employees: list[InvolvedEmployee]
    witnesses: list
    allegations: list[Allegation]
    notes: list
    extensions: list
    notices: list
    thread: list[Message]
    audit: list[AuditEvent]
    show_audit: bool
    timeline: list[TimelineEntry]


def case_file(*, case: Case, user) -> CaseFile:
    submission = case.submission
    show_audit = can(user, Action.AUDIT)
    trail = list(case.audit.select_related("actor"))
    notices = list(submission.notices.prefetch_related("events").order_by("created_at", "id"))
    thread = list(submission.messages.select_related("staff_user"))
    return CaseFile(
        case=case,
        submission=submission,
        categories=[
            str(AllegationCategory(code).label)
            for code in submission.categories
            if code in AllegationCategory.values
        ],
        language=str(dict(settings.LANGUAGES).get(submission.language, submission.language)),
        attachments=[
            (attachment, active_content_labels(attachment.active_content))
            for attachment in submission.attachments.all()
        ],
        employees=list(submission.employees.select_related("employee__unit")),
        witnesses=list(submission.witnesses.all()),
        allegations=list(case.allegations.select_related("involved__employee")),
        notes=list(case.notes.select_related("author")),
        extensions=list(case.extensions.select_related("extended_by")),
        notices=notices,
        thread=thread,
        audit=trail if show_audit else [],
        show_audit=show_audit,
        timeline=case_timeline(case=case, audit=trail, notices=notices, messages=thread),
    )
