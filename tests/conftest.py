import importlib

import pytest
from django.core import mail


@pytest.fixture(autouse=True)
def _anymail_test_backend(settings):
    # Django's test environment swaps in the locmem backend; notices must go through anymail.
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    mail.outbox = []


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
