"""Handing notices to the broker. The row is the outbox: it is stored `queued` first, and a
publish that fails (broker down) leaves it for the sweeper instead of losing it. The send task
is published by name, so that the rooms which queue notices need not import the worker's code."""

import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from config.celery import app

from .models import Notice

logger = logging.getLogger(__name__)

SEND_TASK = "notices.tasks.send_notice"


def notice_dispatch(*, notice_ids: list[int], countdown: float = 0) -> int:
    """Publish a send task for each notice; returns how many were published."""
    published = []
    for notice_id in notice_ids:
        try:
            app.send_task(SEND_TASK, args=[notice_id], countdown=countdown, retry=True)
        except Exception:
            logger.warning("could not publish notice %s; left queued", notice_id, exc_info=True)
            continue
        published.append(notice_id)
    if published:  # one write for the batch: routing publishes several notices at once
        Notice.objects.filter(pk__in=published).update(dispatched_at=timezone.now(), retry_at=None)
    return len(published)


def notices_dispatch_on_commit(notices: Sequence[Notice | None]) -> None:
    """Publish the send tasks of newly queued notices once the current transaction commits
    (at once outside a transaction). Pass what notice_queue returned; None entries are skipped."""
    ids = [notice.pk for notice in notices if notice is not None]
    if ids:
        transaction.on_commit(lambda: notice_dispatch(notice_ids=ids))
