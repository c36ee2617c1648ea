"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task

from .services import submission_route
from .services import sweep as sweep_service


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=6,
)
def route_submission(submission_id: int) -> None:
    submission_route(submission_id=submission_id)


@shared_task
def sweep() -> dict[str, int]:
    return sweep_service()
