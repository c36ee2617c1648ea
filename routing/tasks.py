"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task
from django.conf import settings

from .services import submission_route
from .services import sweep as sweep_service


# A database that is down (restarting, failing over) is waited out: retries every few seconds
# for ten minutes, each wait shorter than the broker's visibility timeout, so routing resumes
# within seconds of the database coming back. Beyond that the sweeper dispatches it again.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=settings.CANDOR_TASK_MAX_COUNTDOWN,
    retry_jitter=True,
    max_retries=60,
)
def route_submission(submission_id: int) -> None:
    submission_route(submission_id=submission_id)


@shared_task
def sweep() -> dict[str, int]:
    return sweep_service()
