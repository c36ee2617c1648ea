"""Handing stored submissions to the routing worker. The submission row is the outbox: a
publish that fails (broker down) leaves the row `pending` for the sweeper instead of losing it.
The routing task is published by name: intake sits below routing and does not import it."""

import logging
from datetime import datetime

from django.db.models import Case, F, Value, When
from django.utils import timezone

from config.celery import app

from .models import Submission

logger = logging.getLogger(__name__)

ROUTE_TASK = "routing.tasks.route_submission"


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
    """Publish the routing task of a submission stored with routing_queued_fields; when the
    broker cannot take it, mark the row `pending` again for the sweeper. True when published."""
    if _publish(submission_id):
        return True
    Submission.objects.filter(
        pk=submission_id, routing_state=Submission.RoutingState.QUEUED
    ).update(routing_state=Submission.RoutingState.PENDING, routing_dispatched_at=None)
    return False


def routing_dispatch(*, submission_ids: list[int]) -> int:
    """Publish a routing task for each submission stored earlier (the sweeper, a release from
    quarantine) and mark those published as handed to the broker, in one write; returns how
    many were published."""
    published = [pk for pk in submission_ids if _publish(pk)]
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


def _publish(submission_id: int) -> bool:
    try:
        app.send_task(ROUTE_TASK, args=[submission_id], retry=True)
    except Exception:  # broker unreachable: the sweeper will try again
        logger.warning(
            "could not publish routing of submission %s; left pending",
            submission_id,
            exc_info=True,
        )
        return False
    return True
