"""Each fault, and the recovery, against the real PostgreSQL, Redis and live workers (one for
routing, one for email, as in production). Each ends with one case and exactly one of each
email, or counts the emails a person chose to send twice."""

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse

from cases.models import Case
from intake.models import Submission
from intake.outbox import routing_dispatch
from notices.dispatch import notice_dispatch
from notices.models import Notice
from notices.services import notice_send_again
from ops import counters
from ops.mailbox import capture_tracking_emit
from ops.models import CapturedEmail, CaptureFault
from routing.services import sweep
from tests.factories import complaint, complaint_post, form_key, member_of

from .conftest import Beat, Workers, broker_at, database_down, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]

DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def alerted():
    return member_of("use-of-force", username="vic")


def use_of_force(**overrides):
    fields = {
        "submitter_email": "dana@example.com",
        "categories": ["use_of_force"],
        "narrative": "The officer threw me to the ground.",
    }
    return complaint(**(fields | overrides)).submission


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
        pair
        for e in CapturedEmail.objects.filter(metadata__tracking_number=submission.tracking_number)
        for pair in carried(e)
    )
    notices = Notice.objects.filter(submission=submission)
    assert sorted(n.kind for n in notices) == ["acknowledgement", "queue_alert"]
    assert emails == Counter((n.recipient_email, str(n.pk)) for n in notices)


def carried(email) -> list[tuple[str, str]]:
    """(recipient, notice id) of each notice a captured email carried (a queue's alerts go as
    one email to its members, their ids in the same order as its recipients)."""
    return list(zip(email.to, email.metadata["notice_id"].split(","), strict=True))


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
    assert sweep(older_than=timedelta(0)) == {"submissions": 1, "notices": 0, "unknown": 0}
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


# --- Faults of issue 13: Redis killed, a worker killed mid-send, a slow provider, a database
# restart after a send. Each counts the emails sent twice.


def emails_per_notice(*submissions) -> Counter:
    numbers = [s.tracking_number for s in submissions]
    return Counter(
        notice_id
        for e in CapturedEmail.objects.filter(metadata__tracking_number__in=numbers)
        for _to, notice_id in carried(e)
    )


def duplicates(*submissions) -> int:
    return sum(count - 1 for count in emails_per_notice(*submissions).values() if count > 1)


def post_complaint(client, *, email: str) -> Submission:
    """A resident sends the complaint form; the answer is the page with the tracking number."""
    key = uuid.uuid4().hex
    started = time.monotonic()
    response = client.post(
        reverse("intake:complaint"),
        complaint_post(
            idempotency_key=key,
            submitter_email=email,
            narrative="The officer threw me to the ground.",
            categories=["use_of_force"],
            language=None,
        ),
    )
    answered_in = time.monotonic() - started
    assert response.status_code == 302, response.content[:500]
    submission = Submission.objects.get(idempotency_key=key)
    assert submission.tracking_number in client.get(response["Location"]).content.decode()
    assert answered_in < 2, f"the resident waited {answered_in:.1f} s"
    return submission


def everything_routed_and_sent(submissions) -> bool:
    ids = [s.pk for s in submissions]
    routed = Case.objects.filter(submission_id__in=ids).count() == len(ids)
    waiting = Notice.objects.filter(submission_id__in=ids).exclude(state=Notice.State.SENT)
    return routed and not waiting.exists()


def test_redis_killed_with_tasks_unacknowledged_turns_no_resident_away_and_loses_nothing(
    client, own_redis, postgres_test_url, tmp_path, settings, alerted, monkeypatch, caplog
):
    """Three times, Redis (broker and cache) is killed while the workers hold unacknowledged
    tasks, and brought back a few seconds later on its append-only file. Residents posting
    meanwhile get their numbers at once; the workers are never restarted by hand; within a
    minute of Redis coming back every submission is routed and every notice sent, once."""
    caplog.set_level("WARNING", logger="ops.counters")
    # The rate limits count in the cache on the same Redis, as in production, where the web
    # side and the workers also share the routing wake-up (intake.outbox).
    cache_url = own_redis.url.replace("/0", "/1")
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.SharedRedisCache",
            "LOCATION": cache_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setattr(counters, "_outage", counters._Outage())
    started = tmp_path / "routing-started"
    workers = Workers(
        broker_url=own_redis.url, database_url=postgres_test_url, log_dir=tmp_path, name="kill"
    )
    beat = Beat(broker_url=own_redis.url, database_url=postgres_test_url, directory=tmp_path)
    submitted: list[Submission] = []
    with broker_at(own_redis.url):
        # Routing takes half a second, so that tasks are in the workers' hands when Redis dies.
        workers.restart(
            CANDOR_TEST_VISIBILITY_TIMEOUT="5",
            CANDOR_TEST_ROUTE_DELAY="0.5",
            CANDOR_TEST_ROUTE_STARTED=str(started),
            REDIS_URL=cache_url,
        )
        beat.start()
        try:
            for outage in range(3):
                started.unlink(missing_ok=True)
                submitted += [
                    post_complaint(client, email=f"r{outage}{n}@example.com") for n in range(4)
                ]
                wait_for(started.exists, timeout=20, what="a routing task to start")
                own_redis.kill()
                # Redis is down: residents still get their tracking numbers, at once.
                submitted += [
                    post_complaint(client, email=f"d{outage}{n}@example.com") for n in range(2)
                ]
                time.sleep(4)
                own_redis.start()
                back = time.monotonic()
            wait_for(
                lambda: everything_routed_and_sent(submitted),
                timeout=60,
                interval=1,
                what="every submission routed and every notice sent",
            )
            recovered_in = time.monotonic() - back
            assert workers.running(), "a worker exited"
        finally:
            beat.stop()
            workers.stop()
    assert recovered_in < 60
    for log in workers.logs:
        assert "Unrecoverable error" not in log.read_text(), log
    assert Case.objects.filter(submission__in=submitted).count() == len(submitted)
    assert duplicates(*submitted) == 0
    assert sum(emails_per_notice(*submitted).values()) == 2 * len(submitted)
    assert any("shared cache is unreachable" in r.getMessage() for r in caplog.records)
    print(f"\nrecovered {recovered_in:.1f} s after Redis came back")


def test_a_worker_killed_while_the_provider_has_the_message_leaves_it_unknown_not_sent_twice(
    live_worker, alerted, settings
):
    """The worst moment to die: the provider has taken the email and the answer is on its way.
    The notice is marked `sending` before the call, so nothing sends it again by itself: it
    becomes `unknown` (shown on the case) until a person decides."""
    live_worker.email.restart(CANDOR_TEST_VISIBILITY_TIMEOUT="3", EMAIL_TIMEOUT="10")
    try:
        CaptureFault.objects.create(remaining=1, status_code=None, delay_seconds=8)
        submission = use_of_force()
        wait_for(
            lambda: (
                CapturedEmail.objects.filter(
                    metadata__tracking_number=submission.tracking_number
                ).count()
                == 2
                and Notice.objects.filter(submission=submission, state=Notice.State.SENT).count()
                == 1
            ),
            timeout=30,
            what="one notice sent and the other in the provider's hands",
        )
        live_worker.email.kill()
        held = Notice.objects.get(submission=submission, state=Notice.State.SENDING)
        live_worker.email.restart(CANDOR_TEST_VISIBILITY_TIMEOUT="3")  # back at once
        # Its task is delivered again (visibility timeout) and leaves the notice alone.
        time.sleep(6)
        held.refresh_from_db()
        assert held.state == Notice.State.SENDING
        # Once no task can still be sending it, the sweeper calls it what it is.
        settings.CELERY_TASK_TIME_LIMIT = 1
        wait_for(lambda: sweep()["unknown"] == 1, timeout=10, what="the notice to be unknown")
        held.refresh_from_db()
        assert held.state == Notice.State.UNKNOWN
        assert sweep(older_than=timedelta(0))["notices"] == 0
        assert duplicates(submission) == 0

        # A person decides the recipient did not get it: the one duplicate anyone chose.
        assert notice_send_again(notice=held)
        all_sent(submission)
        assert emails_per_notice(submission)[str(held.pk)] == 2
    finally:
        live_worker.email.restart()


def test_a_provider_slower_than_the_timeout_delays_only_its_notices_and_sends_nothing_twice(
    live_worker, alerted
):
    """Every send waits past EMAIL_TIMEOUT (2 s here) and the email worker's two processes
    are busy with it; routing goes on in its own pool. The provider did take each message:
    its tracking events settle each notice, and no email is sent twice."""
    CaptureFault.objects.create(remaining=8, status_code=None, delay_seconds=5)
    first = use_of_force()
    wait_for(
        lambda: Notice.objects.filter(state=Notice.State.SENDING).exists(),
        what="the email worker to be waiting on the provider",
    )
    later = [use_of_force(submitter_email=f"r{n}@example.com") for n in range(3)]
    for submission in later:
        wait_for(
            lambda s=submission: Case.objects.filter(submission=s).exists(),
            timeout=5,
            what="routing while the provider is slow",
        )
    assert Notice.objects.filter(state__in=[Notice.State.QUEUED, Notice.State.SENDING]).exists()

    everyone = [first, *later]
    wait_for(
        lambda: (
            not Notice.objects.filter(
                submission__in=everyone, state__in=[Notice.State.QUEUED, Notice.State.SENDING]
            ).exists()
        ),
        timeout=60,
        what="every send to have been tried",
    )
    assert set(Notice.objects.filter(submission__in=everyone).values_list("state", flat=True)) == {
        Notice.State.UNKNOWN
    }
    assert sweep(older_than=timedelta(0))["notices"] == 0  # never sent again by itself
    assert duplicates(*everyone) == 0

    # The provider's delivery events arrive (its webhook): each names its notice.
    for email in CapturedEmail.objects.filter(
        metadata__tracking_number__in=[s.tracking_number for s in everyone]
    ):
        capture_tracking_emit(email)
    states = set(Notice.objects.filter(submission__in=everyone).values_list("state", flat=True))
    assert states == {Notice.State.DELIVERED}
    assert sum(emails_per_notice(*everyone).values()) == 2 * len(everyone)


def test_a_provider_that_hangs_without_taking_the_message_leaves_it_for_a_person(
    live_worker, alerted
):
    CaptureFault.objects.create(remaining=2, status_code=None, delay_seconds=5, accepted=False)
    submission = use_of_force()
    wait_for(
        lambda: (
            Notice.objects.filter(submission=submission, state=Notice.State.UNKNOWN).count() == 2
        ),
        timeout=30,
        what="both notices unknown",
    )
    assert not emails_per_notice(submission)
    for notice in Notice.objects.filter(submission=submission):
        assert notice_send_again(notice=notice)
    all_sent(submission)
    assert_one_case_and_one_of_each_email(submission)


def test_the_database_restarting_after_the_provider_took_the_email_sends_it_once(
    live_worker, alerted
):
    """The provider has taken the email; before its answer can be written down PostgreSQL
    restarts (every connection cut, none accepted for three seconds). The answer is written
    once the database is back, and the email is not sent again."""
    CaptureFault.objects.create(remaining=1, status_code=None, delay_seconds=1.5)
    submission = use_of_force()
    wait_for(
        lambda: (
            Notice.objects.filter(submission=submission, state=Notice.State.SENDING).exists()
            and CapturedEmail.objects.filter(
                metadata__tracking_number=submission.tracking_number
            ).exists()
        ),
        what="the provider to hold an email whose answer is pending",
    )
    with database_down():
        time.sleep(3)
    all_sent(submission)
    assert_one_case_and_one_of_each_email(submission)
    for notice in Notice.objects.filter(submission=submission):
        email = CapturedEmail.objects.get(metadata__notice_id=str(notice.pk))
        assert notice.provider_message_id == email.message_id


def test_one_send_the_provider_sits_on_does_not_hold_up_the_other_notices(live_worker, alerted):
    """No row lock and a pool of two: while the provider sits on one email for eight seconds,
    the other notices go out through the other process."""
    live_worker.email.restart(EMAIL_TIMEOUT="10")
    try:
        CaptureFault.objects.create(remaining=1, status_code=None, delay_seconds=8)
        submissions = [use_of_force(submitter_email=f"r{n}@example.com") for n in range(3)]
        wait_for(
            lambda: (
                Notice.objects.filter(submission__in=submissions, state=Notice.State.SENT).count()
                == 5
            ),
            timeout=7,
            what="the other five notices sent while one send waits on the provider",
        )
        assert Notice.objects.get(submission__in=submissions, state=Notice.State.SENDING)
        for submission in submissions:
            all_sent(submission)
        assert duplicates(*submissions) == 0
    finally:
        live_worker.email.restart()
