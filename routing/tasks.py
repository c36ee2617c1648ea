"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task
from django.conf import settings

from .services import ROUTE_BATCH, submission_route
from .services import sweep as sweep_service


# A database that is down (restarting, failing over) is waited out: retries every few seconds
# for ten minutes, each wait shorter than the broker's visibility timeout, so routing resumes
# within seconds of the database coming back. Beyond that the sweeper dispatches it again.
# The first delivery routes others waiting beside its own (submission_route's `more`); a retry
# routes its own alone, so that whatever failed with the others cannot fail it again.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=settings.CANDOR_TASK_MAX_COUNTDOWN,
    retry_jitter=True,
    max_retries=60,
)
def route_submission(self, submission_id: int) -> None:
    more = ROUTE_BATCH - 1 if not self.request.retries else 0
    submission_route(submission_id=submission_id, more=more)


@shared_task
def sweep() -> dict[str, int]:
    return sweep_service()
