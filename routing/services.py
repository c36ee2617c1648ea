"""Routing a stored submission: roster match, rule, case or commendation, notices."""

import logging
import time
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from cases.models import Case
from commendations.models import Commendation
from commendations.services import commendation_for, commendation_notices_build
from intake.models import InvolvedEmployee, Submission
from intake.outbox import routing_dispatch, routing_drain_next, routing_woken
from notices.dispatch import notice_dispatch, notices_dispatch_on_commit
from notices.models import Notice
from notices.services import (
    notice_build,
    notice_build_to_submitter,
    notices_store,
    notices_unknown_settle,
)
from ops.postgresql.planning import Constant, read_entry_by_entry
from ops.rowsql import rows_insert, rows_update

from .matching import badge_of, employees_by_badge, involved_decide, matches_store
from .models import RoutingRule
from .rules import rule_for, rules_in_order

logger = logging.getLogger(__name__)


# How many waiting submissions a drain routes to a transaction: their rules, queues' members,
# INSERTs, state writes and commit are shared; each is still decided on its own. In process,
# routing cost 1.0 ms of CPU a submission in batches of 16, 0.8 in batches of 32.
ROUTE_BATCH = 32
# How long one drain goes on before it hands what is left to the next (routing_drain_next), so
# that no task runs near its time limit however long the backlog.
DRAIN_SECONDS = 5.0
# After a batch smaller than ROUTE_BATCH, how long the next submissions gather before a drain
# reads again: it hands on to a drain published with this countdown, and leaves the worker
# process free meanwhile. Read again at once, a drain that keeps up routes them one by one,
# each paying a batch's reads, writes and commit (in the bench: a worker dearer per submission
# than a task each had been). The first submission a drain finds is never kept waiting;
# those that arrive meanwhile wait this long at most.
ROUTE_LINGER_SECONDS = 0.2


def submission_route(*, submission_id: int) -> None:
    """Route a submission exactly once: a case in its BPS queue (complaint) or a commendation in
    the Chief's office queue (compliment), and the notices that follow. Safe to run twice or
    concurrently: the submission row is locked and the case, commendation and notices are
    unique per submission, so a second run finds the work done and changes nothing."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("service_area")
            .get(pk=submission_id)
        )
        if submission.routing_state == Submission.RoutingState.DONE:
            return
        routing = _Routing(rules=rules_in_order(), submissions=[submission])
        routing.decide(submission)
        routing.store()


def waiting_route(*, seconds: float = DRAIN_SECONDS, linger: float = ROUTE_LINGER_SECONDS) -> int:
    """Route the submissions waiting to be routed for the first time (intake.outbox wakes the
    drain that calls this), oldest first, ROUTE_BATCH to a transaction, until none is left;
    after `seconds`, it hands the rest on to the next drain. After a batch smaller than
    ROUTE_BATCH it hands on to a drain `linger` seconds later, to let the next gather. Returns
    how many were routed.

    While it works, and until the drain it hands on to starts, the wake-up flag stays up, so
    that submissions stored meanwhile wake no drain of their own: this one, or the next, takes
    them. Once it finds nothing left it lowers the flag and looks once more, for one stored
    between that read and the lowering, whose wake-up found the flag still up; only a look that
    finds nothing after the lowering ends the chain.

    A submission that fails is logged, its batch taken again without it, and it is handed
    to a task of its own (route_submission, which retries it alone, with backoff), and holds
    up neither its batch nor the drains after it, which leave it to that task. A submission
    another run has locked is skipped, never waited for: two drains share a backlog."""
    deadline = time.monotonic() + seconds
    failed: list[int] = []
    routed, lowered = 0, False
    while True:
        taken, decided = _batch_route(failed=failed)
        if not taken:
            if lowered:
                break
            routing_woken()
            lowered = True
            continue
        routed, lowered = routed + decided, False
        if taken < ROUTE_BATCH:
            routing_drain_next(countdown=linger)
            break
        if time.monotonic() >= deadline:
            routing_drain_next()
            break
    if failed:
        routing_dispatch(submission_ids=failed)
    return routed


class _TakeAgain(Exception):
    """A submission of the batch could not be decided: the batch is rolled back, to be taken
    again without it."""


def _batch_route(*, failed: list[int]) -> tuple[int, int]:
    """One transaction of a drain: take up to ROUTE_BATCH waiting submissions (none of those in
    `failed`) and route them. One that fails is added to `failed`, and the batch is rolled back
    and taken again without it (a savepoint for each submission cost two round trips each, to
    spare a rare failure the redo). Returns how many were taken and how many routed."""
    while True:
        try:
            with transaction.atomic():
                read_entry_by_entry()
                batch = list(_first_hand(_waiting_to_route()).exclude(pk__in=failed)[:ROUTE_BATCH])
                if not batch:
                    return 0, 0
                routing = _Routing(rules=rules_in_order(), submissions=batch)
                for submission in batch:
                    try:
                        routing.decide(submission)
                    except Exception:
                        logger.exception(
                            "could not route %s; left to a task of its own",
                            submission.tracking_number,
                        )
                        failed.append(submission.pk)
                        raise _TakeAgain from None
                routing.store()
            return len(batch), len(routing.decided)
        except _TakeAgain:
            continue


def _waiting_to_route() -> QuerySet[Submission]:
    """Submissions not routed yet and not held in quarantine (suspected spam waits for staff to
    release it), oldest first, each locked as it is read; one another run has locked is
    skipped, never waited for. What a drain takes, and what the sweeper takes."""
    # The states are in the statement's text, so that any plan of it reads the partial index
    # `submission_waiting`: one made for any value of parameters read every routed row
    # (67 ms at 30,000 submissions, against 0.3). Its readers read it entry by entry
    # (`read_entry_by_entry`), which keeps it short between VACUUMs.
    return (
        Submission.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("service_area")
        .filter(
            routing_state__in=[
                Constant(Submission.RoutingState.PENDING.value),
                Constant(Submission.RoutingState.QUEUED.value),
            ],
            quarantined=False,
        )
        .order_by("received_at")
    )


def _first_hand(waiting: QuerySet[Submission]) -> QuerySet[Submission]:
    """Those handed to routing once only: what drains take. One dispatched again (by the
    sweeper, or after it failed in a drain) is its own task's."""
    return waiting.filter(routing_attempts__lte=1)


class _Routing:
    """Submissions routed in one transaction: each decided on its own (roster match, rule,
    case or commendation), then their roster matches, cases, commendations, notices and states
    written together, one statement each. The employees they name, and the badge numbers given,
    are read once for them all."""

    def __init__(self, *, rules: list[RoutingRule], submissions: list[Submission]):
        self.rules = rules
        self.members: dict[int, list] = {}  # queue id -> its active members with an address
        self.decided: list[tuple[Submission, RoutingRule]] = []
        self.matched: list[InvolvedEmployee] = []
        self.cases: list[Case] = []
        self.commendations: list[Commendation] = []
        self.notices: list[Notice | None] = []
        prefetch_related_objects(
            submissions,
            Prefetch("employees", queryset=InvolvedEmployee.objects.select_related("employee")),
        )
        self.by_badge = employees_by_badge(
            badge_of(person)
            for submission in submissions
            for person in submission.employees.all()
            if person.match_state == InvolvedEmployee.MatchState.UNMATCHED
        )

    def decide(self, submission: Submission) -> None:
        area = submission.service_area
        place_unit_id = area.unit_id if area is not None else None
        involved = list(submission.employees.all())
        matched = [
            person
            for person in involved
            if involved_decide(person, unit_id=place_unit_id, by_badge=self.by_badge)
        ]
        # Only a linked employee's unit counts for the rules: a guess must not pick a queue.
        unit_ids = {person.employee.unit_id for person in involved if person.employee is not None}
        rule = rule_for(submission, unit_ids=unit_ids, rules=self.rules)
        due = timezone.localdate(submission.received_at) + timedelta(days=rule.due_days)
        commendation, commendation_notices = None, []
        if submission.kind == Submission.Kind.COMPLAINT:
            case = Case(
                submission=submission,
                queue=rule.queue,
                rule=rule,
                rule_name=rule.name,
                priority=rule.priority,
                confidential=rule.confidential or rule.queue.confidential,
                due_date=due,
            )
        else:
            case = None
            # A confident roster match names the employee at once, and the commendation goes
            # to them and their supervisor with the acknowledgement.
            named = next((p for p in involved if p.employee is not None), None)
            employee = (
                named.employee
                if named is not None and named.match_state == named.MatchState.MATCHED
                else None
            )
            commendation = commendation_for(submission=submission, rule=rule, employee=employee)
            commendation_notices = commendation_notices_build(commendation=commendation)
        notices = [
            *commendation_notices,
            notice_build_to_submitter(submission=submission, kind=Notice.Kind.ACKNOWLEDGEMENT),
            *self._queue_alerts(submission, rule.queue),
        ]
        # Kept only once everything above went through (see waiting_route's savepoints).
        self.matched += matched
        self.cases += [case] if case is not None else []
        self.commendations += [commendation] if commendation is not None else []
        self.notices += notices
        submission.next_step_due = due if submission.kind == Submission.Kind.COMPLAINT else None
        self.decided.append((submission, rule))

    def store(self) -> None:
        matches_store(self.matched)  # the batch's roster matches, an UPDATE for each outcome
        # One statement each: the unique constraints keep one case or commendation per
        # submission, so one left by an earlier run (there is none while the row is not done)
        # is kept as is.
        rows_insert(self.cases, ignore_conflicts=True)
        rows_insert(self.commendations, ignore_conflicts=True)
        # Every acknowledgement, alert and commendation notice in one INSERT.
        new_notices = notices_store(self.notices)
        # Done, one UPDATE for each date the next step is due (most batches have one or two).
        now = timezone.now()
        by_due: defaultdict[date | None, list[int]] = defaultdict(list)
        for submission, _rule in self.decided:
            submission.routing_state, submission.routed_at = Submission.RoutingState.DONE, now
            by_due[submission.next_step_due].append(submission.pk)
        for due, pks in by_due.items():
            rows_update(
                Submission,
                pks,
                {
                    "routing_state": Submission.RoutingState.DONE,
                    "routed_at": now,
                    "next_step_due": due,
                },
            )
        notices_dispatch_on_commit(new_notices)
        for submission, rule in self.decided:
            logger.info(
                "routed %s to %s by rule %r", submission.tracking_number, rule.queue, rule.name
            )

    def _queue_alerts(self, submission: Submission, queue) -> list[Notice | None]:
        if queue.pk not in self.members:
            self.members[queue.pk] = list(queue.members.filter(is_active=True).exclude(email=""))
        return [
            notice_build(
                submission=submission,
                kind=Notice.Kind.QUEUE_ALERT,
                recipient_email=member.email,
                recipient_name=member.get_full_name(),
                context={"queue": queue.name},
            )
            for member in self.members[queue.pk]
        ]


def sweep(*, older_than: timedelta | None = None, limit: int = 500) -> dict[str, int]:
    """Dispatch again what has waited too long, and settle what was abandoned. Submissions not
    routed and notices not sent that were never handed to the broker (the publish failed)
    go after `older_than`; those handed to it already only after
    CANDOR_SWEEP_REDISPATCH_SECONDS, since the broker keeps them meanwhile; notices the
    provider turned away go once their `retry_at` has passed. A notice left `sending` by a
    worker that died during the call becomes `unknown`: it may have been sent, so it is never
    dispatched again from here. Rows are claimed with SKIP LOCKED, so two sweepers never take
    the same row."""
    if older_than is None:  # timedelta(0) is falsy but means "everything"
        older_than = timedelta(seconds=settings.CANDOR_SWEEP_AFTER_SECONDS)
    now = timezone.now()
    cutoff = now - older_than
    # What was handed to the broker is kept there (late acknowledgement, redelivery after the
    # visibility timeout): dispatching it again after a mere minute would double the work
    # whenever a backlog is longer than that. Only a long silence earns a second publish.
    redispatch_cutoff = now - max(
        older_than, timedelta(seconds=settings.CANDOR_SWEEP_REDISPATCH_SECONDS)
    )
    with transaction.atomic():
        read_entry_by_entry()
        submissions = list(
            _waiting_to_route()
            .filter(received_at__lt=cutoff)
            .exclude(routing_dispatched_at__gte=redispatch_cutoff)
            .values_list("pk", flat=True)[:limit]
        )
        routed = routing_dispatch(submission_ids=submissions)
        # A new submission waits for a drain. One that has waited this long (and that no
        # drain is routing now: it would be locked) may wait for a drain that will not come,
        # lost with the broker, or with its flag never lowered, so that none is published.
        stale = _first_hand(_waiting_to_route().filter(received_at__lt=cutoff)).exists()
    if stale:  # one more, whatever the flag says; under a backlog it shares the work
        routing_drain_next()
    not_in_broker = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=redispatch_cutoff)
    # A short retry is the task's own (a countdown); the sweeper takes the rest once due.
    retry_due = now - timedelta(seconds=settings.CANDOR_TASK_MAX_COUNTDOWN)
    with transaction.atomic():
        notices = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(state=Notice.State.QUEUED)
            .filter(
                Q(retry_at__lt=retry_due)
                | (Q(retry_at__isnull=True, created_at__lt=cutoff) & not_in_broker)
            )
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        sent = notice_dispatch(notice_ids=notices)
    return {"submissions": routed, "notices": sent, "unknown": notices_unknown_settle()}
