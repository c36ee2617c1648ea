"""Reading cases for the staff pages. Every function starts from what the person may see
(cases/permissions.py) and never widens it."""

import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction, AuditEvent
from directory.models import Employee
from intake.attachments import active_content_labels
from intake.models import AllegationCategory, InvolvedEmployee, Message, Submission
from intake.selectors import accounts_holding, letters_holding
from staff.models import Queue
from staff.roles import staff_name

from .models import Allegation, Case
from .permissions import Action, can, cases_visible_to

OPEN = Q(status__in=Case.OPEN_STATUSES)


@dataclass
class QueueCounts:
    """What the queue overview shows of one queue."""

    open: int = 0
    unassigned: int = 0  # open, nobody assigned
    overdue: int = 0  # open, past its due date
    by_status: dict[str, int] = dataclasses.field(default_factory=dict)


def queue_counts_for(user) -> defaultdict[int, QueueCounts]:
    """Per queue id, over the cases the user sees: open, unassigned and overdue cases and the
    number in each status (all 0 for a queue with none). One pass over the cases grouped by
    queue and status (a few dozen rows), not a join of queues to cases counted DISTINCT three
    times."""
    counts: defaultdict[int, QueueCounts] = defaultdict(QueueCounts)
    rows = (
        cases_visible_to(user)
        .values_list("queue_id", "status")
        .order_by()
        .annotate(
            total=Count("id"),
            unassigned=Count("id", filter=Q(assignee__isnull=True)),
            overdue=Count("id", filter=Q(due_date__lt=timezone.localdate())),
        )
    )
    for queue_id, status, total, unassigned, overdue in rows:
        queue = counts[queue_id]
        queue.by_status[status] = total
        if status in Case.OPEN_STATUSES:
            queue.open += total
            queue.unassigned += unassigned
            queue.overdue += overdue
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
    in two queries: the counts by assignee, then their names. Counted with the names joined
    in, every overdue case carried three more columns through the grouping (44 ms against
    36 at 100,000 cases)."""
    today = today or timezone.localdate()
    counts = dict(
        cases_visible_to(user)
        .filter(OPEN, due_date__lt=today)
        .order_by()
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    people: dict[int | None, Any] = {
        person.pk: person
        for person in get_user_model().objects.filter(pk__in=[pk for pk in counts if pk])
    }
    rows = []
    for pk, n in counts.items():
        person = people.get(pk)
        name = staff_name(person) if person else ""
        rows.append(OverdueCount(assignee_id=pk, name=name, count=n))
    # Most first; then by last name and username, nobody's last (as PostgreSQL sorts NULL).
    order = {pk: (False, p.last_name, p.get_username()) for pk, p in people.items()}
    return sorted(rows, key=lambda row: (-row.count, *order.get(row.assignee_id, (True, "", ""))))


def case_search(words: str) -> Q:
    """A tracking number; or an employee as the resident named them (name, badge or car
    number) or as the roster knows them (first and last name, DSN, car number); or words in the
    account."""
    if _is_tracking_number(words):
        # Numbers are stored upper-case: an exact match uses the unique index (iexact cannot).
        return Q(submission__tracking_number=words.strip().upper())
    employee = InvolvedEmployee.objects.filter(submission=OuterRef("submission")).filter(
        Q(name__icontains=words)
        | Q(badge__iexact=words)
        | Q(car_number__iexact=words)
        | Q(employee__in=_roster_named(words))
    )
    return Exists(employee) | Q(submission__narrative__icontains=words)


# A search that names more submissions than this is read in the list's order, filtered as it
# goes; fewer, and they are found through the indexes first (see search_submission_ids).
SEARCH_BY_INDEX_LIMIT = 5_000


def search_submission_ids(words: str, *, limit: int | None = None) -> list[int] | None:
    """The submissions a search (case_search) names, found through the indexes: each way it can
    match is one indexed query (trigram indexes for the words, on PostgreSQL), all in one round
    trip. None when there are more than `limit`, or for a tracking number: then the list is
    better read in its own order and filtered as it goes, which finds a page of a common word
    at once, where looking them all up would not. Together the two keep every search fast.

    Finding out that there are more than `limit` costs reading that many, and for words in
    most accounts the trigram index narrows nothing: the accounts are read one by one until
    `limit` match (24,000 for one in five, 60 ms at 100,000 cases). When the planner's
    estimate of the accounts that hold the words' letters, taken from the letters' statistics
    without reading a row, is well above `limit`, the list is read in its order at once. The
    estimate only picks the faster way: both find the same cases."""
    limit = SEARCH_BY_INDEX_LIMIT if limit is None else limit
    if _is_tracking_number(words):
        return None
    if _accounts_holding_estimate(words) > 2 * limit:
        return None
    involved = InvolvedEmployee.objects.order_by()
    found = (
        involved.filter(name__icontains=words)
        .values_list("submission_id", flat=True)
        .union(
            involved.filter(badge__iexact=words).values_list("submission_id", flat=True),
            involved.filter(car_number__iexact=words).values_list("submission_id", flat=True),
            involved.filter(employee__in=_roster_named(words)).values_list(
                "submission_id", flat=True
            ),
            Submission.objects.order_by()
            .filter(accounts_holding(words))
            .values_list("id", flat=True),
            all=True,
        )
    )
    ids = set(found[: limit + 1])
    return None if len(ids) > limit else sorted(ids)


def _accounts_holding_estimate(words: str) -> float:
    """How many accounts hold the words' letters, as PostgreSQL's planner estimates it
    (EXPLAIN: no row is read): the accounts the lookup reads. 0 elsewhere, where every search
    is answered through search_submission_ids."""
    if connection.vendor != "postgresql":
        return 0
    return json.loads(letters_holding(words).explain(format="json"))[0]["Plan"]["Plan Rows"]


def submission_among(ids: list[int]) -> Q:
    """Cases of these submissions. On PostgreSQL the ids go as one array parameter: thousands
    of them as separate parameters cost more to write and to parse than the search itself.
    As `= ANY(array)` the planner knows how many there are: for thousands it walks the list's
    order index and stops at the page (3,837 of 100,000: 4 ms), for a few it looks each up. As
    a join on the unnested array it read them all with their submissions, then sorted (27 ms).
    The array goes as its text: psycopg, given the list, checks each number for quoting (8 ms
    for 4,000, twice a page)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Case._meta.db_table)
        column = connection.ops.quote_name(Case._meta.get_field("submission").column)
        return Q(
            RawSQL(  # noqa: S611 - names from the model's own metadata; the ids are a parameter
                f"{table}.{column} = ANY(%s::bigint[])",
                ["{" + ",".join(map(str, map(int, ids))) + "}"],
                output_field=BooleanField(),
            )
        )
    return Q(submission_id__in=ids)


def _is_tracking_number(words: str) -> bool:
    return words.strip().upper().startswith(("C-", "K-"))


def _roster_named(words: str) -> QuerySet[Employee]:
    """Employees the words name as the roster knows them: DSN or car number, or every word in
    the first or last name ("Ana Morales", "morales ana")."""
    name = Q()
    for word in words.split()[:5]:
        name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return Employee.objects.filter(Q(dsn__iexact=words) | Q(car_number__iexact=words) | name)


@dataclass
class ListPage:
    """One page of a list read by keyset: the rows after (or before) a given row in the list's
    order, found through the order's index however deep in the list, where an OFFSET reads and
    throws away every row before it."""

    rows: list
    has_previous: bool
    has_next: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def first_pk(self):
        return self.rows[0].pk if self.rows else None

    @property
    def last_pk(self):
        return self.rows[-1].pk if self.rows else None


def list_page(
    queryset: QuerySet,
    *,
    order: tuple[str, ...],
    size: int,
    after: object = None,
    before: object = None,
    boundaries: QuerySet | None = None,
) -> ListPage:
    """The page of `queryset`, ordered by `order` (its last field unique), that follows the row
    whose pk is `after`, or precedes the one whose pk is `before`; the first page without
    either. The row is looked up in `boundaries` (the rows the person may see, by default the
    queryset itself); one they may not see, or that does not exist, gives the first page."""
    boundary_pk, backwards = (before, True) if before not in (None, "") else (after, False)
    values = None
    if boundary_pk not in (None, ""):
        names = [field.lstrip("-") for field in order]
        source = queryset if boundaries is None else boundaries
        try:
            values = source.order_by().filter(pk=boundary_pk).values_list(*names).first()
        except (ValueError, TypeError, ValidationError):
            values = None
    if values is None:
        rows = list(queryset.order_by(*order)[: size + 1])
        return ListPage(rows=rows[:size], has_previous=False, has_next=len(rows) > size)
    walk = tuple(_reversed(field) for field in order) if backwards else order
    rows = list(queryset.filter(_after(walk, values)).order_by(*walk)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        return ListPage(rows=rows[::-1], has_previous=more, has_next=True)
    return ListPage(rows=rows, has_previous=True, has_next=more)


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def _after(order: tuple[str, ...], values) -> Q:
    """Rows strictly after `values` in `order`: (a > x) or (a = x and b > y) or …, with a bound
    on the first field as well, so that the database walks the index from the row on."""
    after, equal = Q(), Q()
    for field, value in zip(order, values, strict=True):
        name = field.lstrip("-")
        step = "lt" if field.startswith("-") else "gt"
        after |= equal & Q(**{f"{name}__{step}": value})
        equal &= Q(**{name: value})
    first = order[0]
    bound = "lte" if first.startswith("-") else "gte"
    return Q(**{f"{first.lstrip('-')}__{bound}": values[0]}) & after


# How far lists count: past it, a list says "more than" (the case list, the staff home).
COUNT_CAP = 500


def count_up_to(queryset: QuerySet, *, cap: int, ordered: bool = True) -> int:
    """How many rows, counting no further than cap + 1 (a list of a hundred thousand is not
    counted to the last to say "more than five hundred"). Counted in the queryset's own order,
    so that the database reads the rows as the page does, through the order's index, and
    stops at the cap; left without it, a search for common words read the accounts whole
    (200 ms at 100,000). A list narrowed to known submissions (a search answered by id) is
    counted without order: its cases are looked up by id, and sorting them first cost 5 ms."""
    if not ordered:
        queryset = queryset.order_by()
    return queryset.values("pk")[: cap + 1].count()


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
    return staff_name(user)


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
                who=staff_name(event.actor) if event.actor else "",
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
    thread: list[tuple[Message, str]]  # (message, who wrote it, as message_author says)
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
        thread=[(message, message_author(message)) for message in thread],
        audit=trail if show_audit else [],
        show_audit=show_audit,
        timeline=case_timeline(case=case, audit=trail, notices=notices, messages=thread),
    )
