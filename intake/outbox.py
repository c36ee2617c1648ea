"""Handing stored submissions to the routing worker. The submission row is the outbox: a
publish that fails (broker down) leaves the row `pending` for the sweeper instead of losing it.
The routing tasks are published by name: intake sits below routing and does not import it.

A new submission wakes the routing workers: a drain task (routing.tasks.route_waiting) routes
every submission waiting when it starts, several to a transaction. One is published unless
one published earlier has not started yet (a flag in the shared cache, lowered by the drain as
it starts, says so): that one will find this submission too, so a backlog of any size costs a
message or two, not one each. A submission the sweeper dispatches again, one released from
quarantine and one a drain could not route get a task of their own (route_submission)."""

import logging
from datetime import datetime

from django.db.models import Case, F, Value, When
from django.utils import timezone

from config.celery import app
from ops.counters import shared_flag_lower, shared_flag_raise

from .models import Submission

logger = logging.getLogger(__name__)

ROUTE_TASK = "routing.tasks.route_submission"
DRAIN_TASK = "routing.tasks.route_waiting"
# A drain published and not started yet. The flag falls by itself after WAKE_SECONDS, should its
# drain be lost with the broker or take longer than that to start: the next submission then
# publishes another (one more drain costs a query; one fewer, a wait for the sweeper).
WAKE_FLAG = "routing-wake"
WAKE_SECONDS = 10


def routing_queued_fields(*, now: datetime) -> dict:
    """The outbox columns of a submission stored and published at once: a new submission is
    written already marked as handed to the broker, so that the publish after commit needs no
    second write. Should the publish fail, routing_publish marks it `pending` again; should the
    process die between commit and publish, the sweeper dispatches it again after
    CANDOR_SWEEP_REDISPATCH_SECONDS, as for a task the broker lost. Never lost, only late."""
    return {
        "routing_state": Submission.RoutingState.QUEUED,
        "routing_dispatched_at": now,
        "routing_attempts": 1,
    }


def routing_publish(*, submission_id: int) -> bool:
    """Once a submission stored with routing_queued_fields is committed: wake the routing
    workers (routing_wake); when the broker cannot take the drain, mark the row `pending` again
    for the sweeper. True when a drain is on its way."""
    if routing_wake():
        return True
    Submission.objects.filter(
        pk=submission_id, routing_state=Submission.RoutingState.QUEUED
    ).update(routing_state=Submission.RoutingState.PENDING, routing_dispatched_at=None)
    return False


def routing_wake(*, whatever_the_flag: bool = False) -> bool:
    """Make sure that a drain starts after now, and so finds what waits now: publish one unless
    one is waiting to start (or, `whatever_the_flag`, in any case). True when one is on its
    way."""
    raised = shared_flag_raise(WAKE_FLAG, seconds=WAKE_SECONDS)
    if not raised and not whatever_the_flag:
        return True  # the one waiting to start reads what waits when it starts
    if _publish(DRAIN_TASK, args=[], what="a routing drain"):
        return True
    shared_flag_lower(WAKE_FLAG)  # so that the next submission tries the broker again
    return False


def routing_woken() -> None:
    """A drain starting, before it reads what waits: a submission stored from now on wakes
    another."""
    shared_flag_lower(WAKE_FLAG)


def routing_dispatch(*, submission_ids: list[int]) -> int:
    """Publish a routing task for each submission stored earlier (the sweeper, a release from
    quarantine) and mark those published as handed to the broker, in one write; returns how
    many were published."""
    published = [
        pk
        for pk in submission_ids
        if _publish(ROUTE_TASK, args=[pk], what=f"routing of submission {pk}")
    ]
    if published:
        Submission.objects.filter(pk__in=published).update(
            routing_state=Case(
                When(
                    routing_state=Submission.RoutingState.PENDING,
                    then=Value(Submission.RoutingState.QUEUED),
                ),
                default=F("routing_state"),
            ),
            routing_dispatched_at=timezone.now(),
            routing_attempts=F("routing_attempts") + 1,
        )
    return len(published)


def _publish(task: str, *, args: list, what: str) -> bool:
    try:
        app.send_task(task, args=args, retry=True)
    except Exception:  # broker unreachable: the sweeper will try again
        logger.warning("could not publish %s; left pending", what, exc_info=True)
        return False
    return True
