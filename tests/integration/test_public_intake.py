"""Public intake for real: the form in Spanish, PostgreSQL, Redis, a live worker and anymail;
a held submission that staff release is routed by the worker."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import Case
from intake.models import Submission
from ops.models import CapturedEmail
from staff.roles import INTAKE_COORDINATOR
from tests.factories import UserFactory, complaint_post, form_key
from tests.staff import sign_in

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]


def form_post(client, **fields):
    data = complaint_post(**{"idempotency_key": form_key(client), "language": None, **fields})
    return client.post(reverse("intake:complaint"), data, HTTP_ACCEPT_LANGUAGE="es")


def test_spanish_complaint_gets_a_spanish_acknowledgement_from_the_worker(client, live_worker):
    response = form_post(
        client,
        narrative="El agente me gritó <b>sin motivo</b>.",
        submitter_email="rosa@example.com",
        language="es",
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    email = wait_for(
        lambda: CapturedEmail.objects.filter(to=["rosa@example.com"]).first(),
        what="the acknowledgement",
    )
    assert submission.tracking_number in email.subject
    assert "Recibimos su presentación" in email.subject
    assert "Gracias. Recibimos su presentación." in email.body_text
    assert "/status/" in email.body_text


def test_held_submission_waits_until_released_then_the_worker_routes_it(client, live_worker):
    form_post(client, narrative="spam http://a.example http://b.example http://c.example")
    submission = Submission.objects.get()
    assert submission.quarantined
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name=INTAKE_COORDINATOR)[0])
    sign_in(client, coordinator)
    client.post(reverse("intake:quarantine-decide", args=[submission.pk, "release"]))
    case = wait_for(lambda: Case.objects.filter(submission=submission).first(), what="the case")
    assert case.queue is not None


def test_rate_limit_counts_live_in_redis_not_in_a_process(settings):
    import time
    import uuid

    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from intake.abuse import rate_check

    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the shared cache is Redis only when REDIS_URL is set")
    settings.CANDOR_INTAKE_RATE_LIMIT = (2, 3600)
    client = f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    assert rate_check(scope="submission", client=client).allowed
    # Another web process: a connection of its own to the same Redis sees the same count.
    other_process = RedisCache(settings.CACHES["default"]["LOCATION"], {})
    bucket = f"candor:rate:submission:{client}:limit:{int(time.time() // 3600)}"
    assert other_process.get(bucket) == 1
    assert rate_check(scope="submission", client=client).allowed
    assert not rate_check(scope="submission", client=client).allowed
