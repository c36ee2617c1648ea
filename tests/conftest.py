import importlib

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from intake import forms as intake_forms
from intake.kept import kept_pages_forget
from intake.outbox import routing_woken
from staff import roles
from staff.models import Queue
from tests.staff import staff_member


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


@pytest.fixture(autouse=True)
def _public_pages_afresh():
    # The public forms keep the areas they offer for a few seconds per process, and their pages
    # per process (intake/kept.py): a test's rolled-back areas or settings must not show in the
    # next test's form.
    intake_forms._areas_changed()
    kept_pages_forget()


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # A request in Spanish or Bosnian leaves its language active in the thread (LocaleMiddleware
    # activates it and nothing deactivates it): the next test starts in the default.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_routing_drain_pending():
    # A submission stored by an earlier test left the wake-up flag up in the shared cache (its
    # drain went to the in-memory broker, which no worker reads): a test starts without one.
    routing_woken()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a block schedules for after commit, as a real commit would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def routing_defaults(transactional_db):
    """The default queues and rules, for tests on a transactional database: its flush between
    tests removes what the data migration created."""
    # The data migration's own function, on the models as they were when it ran.
    state = MigrationExecutor(connection).loader.project_state(
        ("routing", "0002_default_queues_and_rules")
    )
    migration = importlib.import_module("routing.migrations.0002_default_queues_and_rules")
    migration.create_defaults(state.apps, None)


# One staff member per role, for every room's staff pages.


@pytest.fixture
def investigator(db):
    return staff_member(roles.INVESTIGATOR, "use-of-force", "bps-general", username="vic")


@pytest.fixture
def commander(db):
    slugs = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    return staff_member(roles.BPS_COMMANDER, *slugs, username="carla")


@pytest.fixture
def intake_coordinator(db):
    slugs = Queue.objects.filter(kind=Queue.Kind.BPS).values_list("slug", flat=True)
    return staff_member(roles.INTAKE_COORDINATOR, *slugs, username="irene")


@pytest.fixture
def auditor(db):
    return staff_member(roles.AUDITOR, username="audrey")


@pytest.fixture
def administrator(db):
    return staff_member(roles.ADMINISTRATOR, username="adam", is_staff=True, is_superuser=True)
