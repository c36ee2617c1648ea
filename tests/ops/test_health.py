import pytest
from django.core.cache import cache
from django.test import override_settings
from kombu import Connection

from config.celery import app
from ops import health


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    # The readiness state is cached; each test starts from nothing, in a cache of its own.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.mark.django_db
def test_healthz_reports_each_part_and_503_when_no_worker_answers(client):
    # The test broker is in memory: reachable, but no worker is consuming it.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "ok",
        "worker": "down",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_200_when_everything_answers(client, monkeypatch):
    monkeypatch.setattr("ops.health._worker", lambda: True)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_cannot_be_reached(client, monkeypatch):
    # Nothing listens on port 1: the connection is refused, as with a broker that is down.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["worker"] == "down"


def test_livez_answers_without_database_broker_or_worker(client, monkeypatch):
    def refuse():
        raise AssertionError("liveness must not call this")

    for name in ("_database", "_broker", "_worker"):
        monkeypatch.setattr(health, name, refuse)
    response = client.get("/livez")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@override_settings(ALLOWED_HOSTS=["complaints.example.org"], SECURE_SSL_REDIRECT=True)
def test_livez_answers_a_probe_by_address_over_plain_http(client):
    # A load balancer probes http://10.0.0.5/livez: no allowed host, no HTTPS.
    assert client.get("/livez", HTTP_HOST="10.0.0.5").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5").status_code == 400


@pytest.mark.django_db
def test_many_readiness_callers_cost_one_worker_ping_per_period(client, monkeypatch, settings):
    settings.CANDOR_HEALTH_CACHE_SECONDS = 30
    pings = []
    monkeypatch.setattr(health, "_worker", lambda: pings.append(1) or True)
    for _ in range(20):
        assert client.get("/healthz").status_code == 200
    assert len(pings) == 1


@pytest.mark.django_db
def test_while_one_process_refreshes_the_others_answer_with_the_last_state(client, monkeypatch):
    monkeypatch.setattr(health, "_worker", lambda: True)
    client.get("/healthz")
    cache.delete(health._FRESH)
    cache.add(health._REFRESHING, 1)  # another process is pinging right now
    monkeypatch.setattr(health, "_worker", lambda: pytest.fail("pinged twice at once"))
    assert client.get("/healthz").json()["worker"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_json_when_the_shared_cache_is_down(client, settings):
    # Redis (the cache) refuses connections: the health answer says what it finds, as JSON.
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.SharedRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
