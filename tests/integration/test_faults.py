"""Each fault, and the recovery, against the real PostgreSQL, Redis and a live worker. Each
ends with one case and exactly one of each email."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse

from cases.models import Case
from intake.models import Submission
from intake.outbox import routing_dispatch
from notices.dispatch import notice_dispatch
from notices.models import Notice
from ops.models import CapturedEmail, CaptureFault
from routing.services import sweep
from tests.factories import complaint, complaint_post, form_key, member_of

from .conftest import broker_at, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]

DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def alerted():
    return member_of("use-of-force", username="vic")


def use_of_force(**overrides):
    return complaint(
        submitter_email="dana@example.com",
        categories=["use_of_force"],
        narrative="The officer threw me to the ground.",
        **overrides,
    ).submission


def all_sent(submission, count=2):
    return wait_for(
        lambda: (
            Notice.objects.filter(submission=submission, state=Notice.State.SENT).count() == count
        ),
        timeout=60,
        what=f"{count} notices sent",
    )


def assert_one_case_and_one_of_each_email(submission):
    assert Case.objects.filter(submission=submission).count() == 1
    assert Case.objects.get(submission=submission).queue.slug == "use-of-force"
    emails = Counter(
        (tuple(e.to), e.metadata.get("notice_id"))
        for e in CapturedEmail.objects.filter(metadata__tracking_number=submission.tracking_number)
    )
    notices = Notice.objects.filter(submission=submission)
    assert sorted(n.kind for n in notices) == ["acknowledgement", "queue_alert"]
    assert emails == Counter(((n.recipient_email,), str(n.pk)) for n in notices)


def worker_idle():
    from config.celery import app

    inspect = app.control.inspect(timeout=1)
    busy = [task for tasks in (inspect.active() or {}).values() for task in tasks] + [
        task for tasks in (inspect.reserved() or {}).values() for task in tasks
    ]
    return not busy


def test_broker_down_at_submission_the_resident_still_gets_a_number_and_routing_follows(
    client, live_worker, alerted
):
    key = form_key(client)
    with broker_at(DEAD_BROKER):
        response = client.post(
            reverse("intake:complaint"),
            complaint_post(
                idempotency_key=key,
                submitter_email="dana@example.com",
                narrative="The officer threw me to the ground.",
                categories=["use_of_force"],
                language=None,
            ),
        )
    assert response.status_code == 302
    submission = Submission.objects.get()
    received = client.get(response["Location"]).content.decode()
    assert submission.tracking_number in received
    assert submission.routing_state == Submission.RoutingState.PENDING
    assert not Case.objects.exists()

    # The broker is back; the beat sweeper's next run dispatches what was left pending.
    assert sweep(older_than=timedelta(0)) == {"submissions": 1, "notices": 0}
    all_sent(submission)
    assert_one_case_and_one_of_each_email(submission)


def test_a_worker_killed_in_the_middle_of_routing_is_redelivered_and_routes_once(
    live_worker, alerted, tmp_path
):
    started = tmp_path / "routing-started"
    live_worker.restart(
        CANDOR_TEST_ROUTE_DELAY="60",
        CANDOR_TEST_ROUTE_STARTED=str(started),
        CANDOR_TEST_VISIBILITY_TIMEOUT="3",
    )
    try:
        submission = use_of_force()
        wait_for(started.exists, timeout=30, what="the routing task to start")
        live_worker.kill()  # inside the routing transaction, before acknowledging
        assert not Case.objects.exists()
        submission.refresh_from_db()
        assert submission.routing_state == Submission.RoutingState.QUEUED

        # A worker comes back; the unacknowledged task is delivered to it again.
        live_worker.restart(CANDOR_TEST_VISIBILITY_TIMEOUT="3")
        all_sent(submission)
        wait_for(worker_idle, timeout=30, what="the worker to be idle")
    finally:
        live_worker.restart()
    submission.refresh_from_db()
    assert submission.routing_state == Submission.RoutingState.DONE
    assert_one_case_and_one_of_each_email(submission)


def test_the_email_provider_failing_three_times_then_succeeding_sends_each_email_once(
    live_worker, alerted
):
    CaptureFault.objects.create(remaining=3, status_code=503)
    submission = use_of_force()
    all_sent(submission)
    assert CaptureFault.objects.get().remaining == 0
    notices = Notice.objects.filter(submission=submission)
    assert sum(n.attempts for n in notices) == 2 + 3
    assert all(n.last_error == "" for n in notices)
    assert_one_case_and_one_of_each_email(submission)


def test_the_same_task_delivered_twice_makes_one_case_and_sends_each_email_once(
    live_worker, alerted
):
    submission = use_of_force()
    routing_dispatch(submission_ids=[submission.pk, submission.pk])
    all_sent(submission)
    notice_ids = list(Notice.objects.filter(submission=submission).values_list("pk", flat=True))
    notice_dispatch(notice_ids=notice_ids + notice_ids)
    wait_for(worker_idle, timeout=30, what="the worker to be idle")
    assert_one_case_and_one_of_each_email(submission)
