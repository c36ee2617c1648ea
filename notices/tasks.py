"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

import random

from celery import shared_task

from .services import TransientSendError, notice_send


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8)
def send_notice(self, notice_id: int) -> None:
    try:
        notice_send(notice_id=notice_id)
    except TransientSendError as error:
        # Jitter spreads the retries of many notices after a provider outage.
        countdown = error.retry_in * random.uniform(0.8, 1.0)  # noqa: S311
        raise self.retry(exc=error, countdown=countdown) from error
