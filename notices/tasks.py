"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

import random

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .services import TransientSendError, notice_send


# Sent on the email queue (CELERY_TASK_ROUTES), by a worker pool of its own in production, so a
# slow provider never holds routing up. A database that is down before the call is waited out
# as routing does; after the call, notice_send itself makes sure the answer is written down.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=settings.CANDOR_TASK_MAX_COUNTDOWN,
    retry_jitter=True,
    max_retries=60,
)
def send_notice(self, notice_id: int) -> None:
    try:
        notice_send(notice_id=notice_id)
    except TransientSendError as error:
        # Only short waits come here (longer ones wait on the row for the sweeper). Jitter
        # spreads the retries of many notices after a provider outage.
        countdown = error.retry_in * random.uniform(0.8, 1.0)  # noqa: S311
        raise self.retry(exc=error, countdown=countdown, max_retries=None) from error
