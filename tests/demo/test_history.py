"""The demo history: a few hundred complaints and compliments over two years, generated once;
the seed command that loads it, then publishes, raises flags and gathers the statistics."""

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import Allegation, Case
from commendations.models import Commendation
from demo.history import demo_history_seed
from demo.seed import demo_seed
from intake.models import Submission

pytestmark = pytest.mark.django_db


def test_the_history_is_generated_once_and_worked_to_findings():
    demo_seed()
    first = demo_history_seed(count=200)
    assert first.complaints + first.compliments == 200
    assert demo_history_seed(count=200).complaints == 0
    assert Submission.objects.count() == 200
    assert Case.objects.count() == first.complaints
    assert Commendation.objects.count() == first.compliments
    ended = Case.objects.exclude(closed_at=None)
    assert ended.filter(status=Case.Status.CLOSED).exists()
    assert Allegation.objects.exclude(finding="").exists()
    # Tracking numbers stay clear of those intake gives.
    assert not Submission.objects.filter(tracking_number__regex=r"-[0-6]\d{5}$").exists()


def test_the_seed_command_publishes_the_transparency_page(client):
    call_command("seed_demo", history=50)
    response = client.get("/transparency/", follow=True)
    assert response.status_code == 200
    assert "Complaints received" in response.content.decode()


def test_the_seed_command_leaves_the_planner_statistics_of_what_it_loaded():
    call_command("seed_demo", history=50)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'intake_submission'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'intake_submission'")
        assert cursor.fetchone()[0] > 0
