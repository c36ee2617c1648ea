"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

import random
from concurrent.futures import ThreadPoolExecutor

from celery import shared_task
from django.db import InterfaceError, OperationalError

from config.celery import delivered_once_done

from .dispatch import BATCH_SIZE, notice_dispatch
from .services import TransientSendError, notice_send, notices_send

# A database that is down is waited out; what the provider answered is the services' to handle.
_SENDING = delivered_once_done(retry_on=(OperationalError, InterfaceError))


# Sent on the email queue (CELERY_TASK_ROUTES), by a worker pool of its own in production, so a
# slow provider never holds routing up. A database that is down before the call is waited out
# as routing does; after the call, notice_send itself makes sure the answer is written down.
@shared_task(bind=True, **_SENDING)
def send_notice(self, notice_id: int) -> None:
    try:
        notice_send(notice_id=notice_id)
    except TransientSendError as error:
        # Only short waits come here (longer ones wait on the row for the sweeper). Jitter
        # spreads the retries of many notices after a provider outage.
        countdown = error.retry_in * random.uniform(0.8, 1.0)  # noqa: S311
        raise self.retry(exc=error, countdown=countdown, max_retries=None) from error


# Threads of the worker process that send the notices of one batch side by side, each with
# its own database connection, kept between tasks like the process's own (config/celery.py).
_senders: ThreadPoolExecutor | None = None


# Notices queued together (routing's acknowledgement and the queue's alerts): one task on the
# email queue instead of one each, the notices sent side by side, so that a provider sitting
# on one email holds up none of the others (as separate tasks would). Delivered twice, it sends
# nothing twice (notices_send); a database that is down is waited out as send_notice waits.
@shared_task(**_SENDING)
def send_notices(notice_ids: list[int]) -> None:
    global _senders
    if _senders is None:  # in the worker's child process, after the fork
        _senders = ThreadPoolExecutor(BATCH_SIZE, thread_name_prefix="notice-send")
    outcomes = notices_send(notice_ids=notice_ids, executor=_senders)
    for notice_id, outcome in outcomes.items():
        if isinstance(outcome, TransientSendError):
            # Only short waits come here: this one waits in a task of its own, as
            # send_notice's. Jitter spreads the retries of many notices after an outage.
            countdown = outcome.retry_in * random.uniform(0.8, 1.0)  # noqa: S311
            notice_dispatch(notice_ids=[notice_id], countdown=countdown)
