"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task

from config.celery import delivered_once_done

from .services import submission_route, waiting_route
from .services import sweep as sweep_service

# Anything that fails is retried: a database that is down, and whatever else a retry may mend.
_ROUTING = delivered_once_done(retry_on=(Exception,))


# What a new submission wakes (intake.outbox.routing_publish): every submission waiting, several
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
