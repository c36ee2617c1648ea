"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task
from django.conf import settings

from .services import submission_route, waiting_route
from .services import sweep as sweep_service

# How both routing tasks are delivered and retried: acknowledged only once done (a worker lost
# mid-task hands it to another), and a database that is down (restarting, failing over) waited
# out: retries every few seconds for ten minutes, each wait shorter than the broker's
# visibility timeout, so routing resumes within seconds of the database coming back. Beyond
# that the sweeper dispatches what is left again.
_ROUTING = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": settings.CANDOR_TASK_MAX_COUNTDOWN,
    "retry_jitter": True,
    "max_retries": 60,
}


# What a new submission wakes (intake.outbox.routing_wake): every submission waiting, several
# to a transaction.
@shared_task(**_ROUTING)
def route_waiting() -> None:
    waiting_route()


# One submission alone: one the sweeper dispatches again, one released from quarantine, one a
# drain could not route.
@shared_task(**_ROUTING)
def route_submission(submission_id: int) -> None:
    submission_route(submission_id=submission_id)


@shared_task
def sweep() -> dict[str, int]:
    return sweep_service()
