"""Handing stored submissions to the routing worker. The submission row is the outbox: it is
stored `pending` first, and a publish that fails (broker down) leaves it for the sweeper
instead of losing it. The routing task is published by name: intake sits below routing and
does not import it."""

import logging

from django.db.models import F
from django.utils import timezone

from config.celery import app

from .models import Submission

logger = logging.getLogger(__name__)

ROUTE_TASK = "routing.tasks.route_submission"


def routing_dispatch(*, submission_ids: list[int]) -> int:
    """Publish a routing task for each submission; returns how many were published."""
    published = 0
    for submission_id in submission_ids:
        try:
            app.send_task(ROUTE_TASK, args=[submission_id], retry=True)
        except Exception:  # broker unreachable: the sweeper will try again
            logger.warning(
                "could not publish routing of submission %s; left pending",
                submission_id,
                exc_info=True,
            )
            continue
        Submission.objects.filter(
            pk=submission_id, routing_state=Submission.RoutingState.PENDING
        ).update(routing_state=Submission.RoutingState.QUEUED)
        Submission.objects.filter(pk=submission_id).update(
            routing_dispatched_at=timezone.now(), routing_attempts=F("routing_attempts") + 1
        )
        published += 1
    return published
