import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("candor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Database connections live across tasks as they do across requests: Celery's Django fixup
# would close and reopen the connection around every task (CELERY_DB_REUSE_MAX, in settings,
# holds it off); instead, before and after each task, a connection that failed, outlived
# CONN_MAX_AGE or was left in a transaction is closed, and CONN_HEALTH_CHECKS checks the
# one kept before its next use, as Django does around each request.
@task_prerun.connect
def _database_before_task(**kwargs):
    close_old_connections()


@task_postrun.connect
def _database_after_task(**kwargs):
    close_old_connections()


def delivered_once_done(*, retry_on: tuple[type[BaseException], ...]) -> dict:
    """How the routing and sending tasks are delivered and retried (their @shared_task options):
    acknowledged only once done, so that a worker lost mid-task hands the task to another, and
    what `retry_on` names (a database that is down, restarting or failing over) waited out with
    growing pauses, each shorter than the broker's visibility timeout, for some ten minutes;
    beyond that the sweeper dispatches what is left again."""
    return {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": retry_on,
        "retry_backoff": True,
        "retry_backoff_max": settings.CANDOR_TASK_MAX_COUNTDOWN,
        "retry_jitter": True,
        "max_retries": 60,
    }
