"""The beat tasks of the reports, early intervention and retention, sent by name as beat sends
them, run by a live worker on the real Redis and PostgreSQL."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from cases.models import Case
from config.celery import app
from intervention.models import Flag, InterventionRule
from reports.models import TransparencySnapshot
from reports.transparency import CACHE_KEY
from retention.models import Anonymisation
from tests.factories import EmployeeFactory
from tests.history import received_case

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]
TASKS = [
    "reports.tasks.transparency_refresh",
    "intervention.tasks.raise_flags",
    "retention.tasks.anonymise_due",
]


def test_beat_runs_each_task_on_its_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert set(TASKS) <= scheduled


def test_the_worker_publishes_the_figures_raises_the_flags_and_anonymises(client, live_worker):
    cache.delete(CACHE_KEY)
    InterventionRule.objects.create(name="Two in a year", kind="complaints", threshold=2)
    EmployeeFactory(dsn="5101")
    now = timezone.now()
    for days in (3, 9):
        received_case(on=now - timedelta(days=days), employees=["5101"])
    old = received_case(
        on=now - timedelta(days=4 * 366),
        ended=Case.Status.MEDIATED,
        days_to_close=10,
        submitter_name="Rosalind Quibble",
    )

    for name in TASKS:
        app.send_task(name)

    wait_for(TransparencySnapshot.objects.exists, what="the figures published")
    wait_for(Flag.objects.exists, what="a flag raised")
    wait_for(Anonymisation.objects.exists, what="the old case anonymised")
    old.submission.refresh_from_db()
    assert old.submission.submitter_name == ""
    assert Flag.objects.get().employee.dsn == "5101"
    # The worker filled the shared cache: the page reads it without the database.
    assert cache.get(CACHE_KEY) is not None
    year = now.year
    assert client.get(f"/transparency/{year}/").status_code == 200
