"""Handing work to the broker. The row is the outbox: it is stored `pending`/`queued` first,
and a publish that fails (broker down) leaves it for the sweeper instead of losing it."""

import logging

from django.db.models import F
from django.utils import timezone

from intake.models import Submission

from .models import Notice

logger = logging.getLogger(__name__)


def routing_dispatch(*, submission_ids: list[int]) -> int:
    """Publish a routing task for each submission; returns how many were published."""
    from .tasks import route_submission

    published = 0
    for submission_id in submission_ids:
        try:
            route_submission.apply_async(args=[submission_id], retry=True)
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


def notice_dispatch(*, notice_ids: list[int], countdown: float = 0) -> int:
    """Publish a send task for each notice; returns how many were published."""
    from .tasks import send_notice

    published = []
    for notice_id in notice_ids:
        try:
            send_notice.apply_async(args=[notice_id], countdown=countdown, retry=True)
        except Exception:
            logger.warning("could not publish notice %s; left queued", notice_id, exc_info=True)
            continue
        published.append(notice_id)
    if published:  # one write for the batch: routing publishes several notices at once
        Notice.objects.filter(pk__in=published).update(dispatched_at=timezone.now())
    return len(published)
