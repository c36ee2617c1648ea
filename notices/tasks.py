"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

import random

from celery import shared_task

from .dispatch import notice_dispatch
from .services import TransientSendError, notice_send


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def send_notice(self, notice_id: int) -> None:
    try:
        notice_send(notice_id=notice_id)
    except TransientSendError as error:
        # Jitter spreads the retries of many notices after a provider outage.
        countdown = error.retry_in * random.uniform(0.8, 1.0)  # noqa: S311
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_notices(notice_ids: list[int]) -> None:
    """Notices queued together, sent one after the other; delivered twice, it sends nothing
    twice (notice_send). At a provider fault the notice waits for its retry in a task of its
    own (send_notice) and the rest go on in a new task, so that a failing provider holds each
    task for one attempt only."""
    for position, notice_id in enumerate(notice_ids):
        try:
            notice_send(notice_id=notice_id)
        except TransientSendError as error:
            retry_in = error.retry_in * random.uniform(0.8, 1.0)  # noqa: S311
            notice_dispatch(notice_ids=[notice_id], countdown=retry_in)
            notice_dispatch(notice_ids=notice_ids[position + 1 :])
            return
