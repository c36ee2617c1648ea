"""Handing stored submissions to the routing worker. The submission row is the outbox: a
publish that fails (broker down) leaves the row `pending` for the sweeper instead of losing it.
The routing tasks are published by name: intake sits below routing and does not import it.

A new submission wakes the routing workers: a drain task (routing.tasks.route_waiting) routes
the submissions waiting, several to a transaction, until none is left. One is published unless
a drain is on its way or at work already (a flag in the shared cache says so; the drain lowers
it once it finds nothing left, and looks once more after): that one will find this submission
too, so a backlog of any size costs a message or two, not one each. A submission the sweeper
dispatches again, one released from quarantine and one a drain could not route get a task of
their own (route_submission)."""

import logging
from datetime import datetime

from django.db.models import Case, F, Value, When
from django.utils import timezone

from config.celery import app
from ops.counters import shared_flag_hold, shared_flag_lower, shared_flag_raise

from .models import Submission

logger = logging.getLogger(__name__)

ROUTE_TASK = "routing.tasks.route_submission"
DRAIN_TASK = "routing.tasks.route_waiting"
# A drain published, or at work, that will still look for what waits. The flag falls by itself
# after WAKE_SECONDS, should its drain be lost with the broker or take longer than that to
# start: the next submission then publishes another (one more drain costs a query or two; one
# fewer, a wait for the sweeper).
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


def routing_wake() -> bool:
    """Make sure that a drain will look for what waits now: publish one unless the flag says
    one will. True when one is on its way."""
    if not shared_flag_raise(WAKE_FLAG, seconds=WAKE_SECONDS):
        return True  # the drain the flag stands for looks again before it ends
    return _drain_publish(countdown=0)


def routing_drain_next(*, countdown: float = 0) -> bool:
    """Publish a drain whatever the flag says, and keep the flag up for it: a drain handing on
    to the next (its time is up, or it lets the next submissions gather for `countdown`
    seconds), or the sweeper waking one for a submission left waiting. True when published."""
    shared_flag_hold(WAKE_FLAG, seconds=WAKE_SECONDS)
    return _drain_publish(countdown=countdown)


def _drain_publish(*, countdown: float) -> bool:
    if _publish(DRAIN_TASK, args=[], countdown=countdown, what="a routing drain"):
        return True
    shared_flag_lower(WAKE_FLAG)  # so that the next submission tries the broker again
    return False


def routing_woken() -> None:
    """A drain that found nothing left, before it looks a last time: a submission stored from
    now on wakes another."""
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


def _publish(task: str, *, args: list, what: str, countdown: float = 0) -> bool:
    try:
        app.send_task(task, args=args, countdown=countdown or None, retry=True)
    except Exception:  # broker unreachable: the sweeper will try again
        logger.warning("could not publish %s; left pending", what, exc_info=True)
        return False
    return True
