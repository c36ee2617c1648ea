import pytest


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
    from kombu import Connection

    from config.celery import app

    # Nothing listens on port 1: the connection is refused, as with a broker that is down.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["worker"] == "down"
