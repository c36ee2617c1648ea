import pytest
from django.test import RequestFactory

from intake.abuse import rate_check
from intake.models import Submission
from intake.services import SubmissionData, submission_receive
from ops import counters
from ops.clients import client_address
from routing.services import sweep
from tests.factories import complaint_post

pytestmark = pytest.mark.django_db


def test_honeypot_filled_is_stored_numbered_and_held_not_dropped(client):
    response = client.post("/complaint/", complaint_post(website="http://spam.example"))
    assert response.status_code == 302  # a bot learns nothing
    submission = Submission.objects.get()
    assert submission.quarantined
    assert "hidden field" in submission.quarantine_reason
    assert submission.tracking_number.startswith("C-")


def test_link_stuffed_text_is_held_in_quarantine(client):
    text = "Buy now http://a.example http://b.example www.c.example"
    client.post("/complaint/", complaint_post(narrative=text))
    assert Submission.objects.get().quarantined


def test_held_submission_is_not_routed_even_by_the_sweeper(run_on_commit):
    data = SubmissionData(kind="complaint", narrative="spam http://a http://b http://c")
    with run_on_commit(execute=True) as callbacks:
        receipt = submission_receive(data=data, client="203.0.113.9")
    assert callbacks == []
    from datetime import timedelta

    assert sweep(older_than=timedelta(seconds=-60)) == {
        "submissions": 0,
        "notices": 0,
        "unknown": 0,
    }
    receipt.submission.refresh_from_db()
    assert receipt.submission.routing_state == Submission.RoutingState.PENDING


def test_burst_from_one_address_is_held_and_the_hard_limit_asks_to_wait(client, settings):
    settings.CANDOR_INTAKE_BURST_LIMIT = (2, 60)
    settings.CANDOR_INTAKE_RATE_LIMIT = (3, 3600)
    for n in range(3):
        client.post("/complaint/", complaint_post(idempotency_key=f"{n:032x}"))
    held = list(Submission.objects.order_by("id").values_list("quarantined", flat=True))
    assert held == [False, False, True]
    post = complaint_post(idempotency_key="f" * 32, submitter_name="Keep me")
    page = client.post("/complaint/", post).content.decode()
    assert "Please wait" in page and "everything you typed is still below" in page
    assert "Keep me" in page
    assert Submission.objects.count() == 3


def test_double_click_does_not_count_twice_against_the_limit(client, settings):
    settings.CANDOR_INTAKE_RATE_LIMIT = (1, 3600)
    post = complaint_post()
    client.post("/complaint/", post)
    response = client.post("/complaint/", post)
    assert response.status_code == 302


def test_client_address_ignores_forwarded_header_without_a_trusted_proxy(settings):
    settings.CANDOR_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(request) == "10.0.0.1"


def test_client_address_behind_one_proxy_is_the_one_it_saw(settings):
    settings.CANDOR_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_address(request) == "198.51.100.7"  # 1.2.3.4 was written by the client


@pytest.fixture
def shared_cache_down(settings, monkeypatch):
    """The shared cache on a Redis that refuses connections (nothing listens on port 1), and
    this process's fallback counters fresh."""
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.SharedRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(counters, "_outage", counters._Outage())
    counters._local.clear()
    return counters


def test_shared_cache_down_still_stores_and_numbers_every_submission(
    client, settings, shared_cache_down, caplog
):
    caplog.set_level("WARNING", logger="ops.counters")
    for n in range(3):
        response = client.post("/complaint/", complaint_post(idempotency_key=f"{n:032x}"))
        assert response.status_code == 302
    assert Submission.objects.filter(tracking_number__startswith="C-").count() == 3
    warnings = [r for r in caplog.records if "shared cache is unreachable" in r.getMessage()]
    assert len(warnings) == 1  # said once per outage, not once per request


def test_shared_cache_down_the_limits_still_hold_in_each_web_process(
    client, settings, shared_cache_down
):
    settings.CANDOR_INTAKE_BURST_LIMIT = (1, 60)
    settings.CANDOR_INTAKE_RATE_LIMIT = (2, 3600)
    for n in range(2):
        client.post("/complaint/", complaint_post(idempotency_key=f"{n:032x}"))
    page = client.post("/complaint/", complaint_post(idempotency_key="f" * 32)).content.decode()
    assert "Please wait" in page
    held = list(Submission.objects.order_by("id").values_list("quarantined", flat=True))
    assert held == [False, True]


def test_the_shared_cache_is_tried_again_and_used_once_it_answers(settings, shared_cache_down):
    from django.core.cache import caches

    counters = shared_cache_down
    assert rate_check(scope="test", client="203.0.113.5").allowed
    assert counters._outage.down
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    counters._outage.retry_at = 0.0  # the few seconds before it is tried again have passed
    rate_check(scope="test", client="203.0.113.5")
    assert not counters._outage.down
    assert any(key.startswith(":1:candor:rate:test:") for key in caches["default"]._cache)
