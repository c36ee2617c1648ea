import importlib

import pytest
from django.core import mail


@pytest.fixture(autouse=True)
def _anymail_test_backend(settings):
    # Django's test environment swaps in the locmem backend; notices must go through anymail.
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


@pytest.fixture(autouse=True)
def _intake_rate_limits_out_of_the_way(settings):
    # Every test client posts from 127.0.0.1 and the shared Redis counts across processes, so
    # tests would trip the per-address limits of each other; tests of the limits set their own.
    settings.CANDOR_INTAKE_RATE_LIMIT = (100_000, 3600)
    settings.CANDOR_INTAKE_BURST_LIMIT = (100_000, 60)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a block schedules for after commit, as a real commit would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def routing_defaults(transactional_db):
    """The default queues and rules, for tests on a transactional database: its flush between
    tests removes what the data migration created."""
    from django.apps import apps

    migration = importlib.import_module("routing.migrations.0002_default_queues_and_rules")
    migration.create_defaults(apps, None)
