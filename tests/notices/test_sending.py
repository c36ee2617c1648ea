"""Sending a notice: at most once whatever fails around the call, never under a row lock, and
a call that got no answer is "outcome unknown", not sent again by itself.

The provider faults are real: anymail's Postmark backend talks HTTP to a small server in this
process that answers late, never, or not at all (nothing listening)."""

import contextlib
import email
import email.policy
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from anymail.exceptions import AnymailRecipientsRefused
from anymail.message import AnymailMessage, AnymailRecipientStatus
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from notices import services
from notices.models import Notice
from notices.services import (
    TransientSendError,
    notice_queue,
    notice_render,
    notice_send,
    notice_send_again,
    notices_send,
    notices_unknown_settle,
)
from ops.models import CapturedEmail, CaptureFault
from routing.services import submission_route, sweep, waiting_route
from tests.factories import complaint, member_of
from tests.services import postgresql_beside, unavailable

pytestmark = pytest.mark.django_db


def acknowledgement():
    submission = complaint(submitter_email="resident@example.com").submission
    submission_route(submission_id=submission.pk)
    return Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)


def state_of(notice) -> str:
    notice.refresh_from_db()
    return notice.state


def status_update(submission, email: str) -> Notice:
    """A status update queued to this address about the submission."""
    return notice_queue(
        submission=submission,
        kind=Notice.Kind.STATUS_UPDATE,
        recipient_email=email,
        occasion="under_review-v2",
        context={"stage": "under_review", "status_url": "http://portal/status/x/"},
    )


@pytest.fixture
def dispatched(monkeypatch) -> list[int]:
    """The ids of the notices handed to the broker, which is not called."""
    handed: list[int] = []
    monkeypatch.setattr(
        "notices.dispatch.notice_dispatch",
        lambda *, notice_ids, countdown=0: handed.extend(notice_ids) or len(notice_ids),
    )
    return handed


class Provider:
    """An email provider's HTTP API on 127.0.0.1 that takes each message and then answers
    after `delay` seconds (or never, when the client gives up first)."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.received: list[dict] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                client, _address = self.server.accept()
            except OSError:
                return
            with client:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += client.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(
                    next(
                        line.split(b":")[1]
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    )
                )
                while len(body) < length:
                    body += client.recv(65536)
                message = json.loads(body)
                self.received.append(message)
                time.sleep(self.delay)
                answer = json.dumps(
                    {
                        "To": message["To"],
                        "SubmittedAt": "2026-11-24T10:00:00Z",
                        "MessageID": f"pm-{len(self.received)}",
                        "ErrorCode": 0,
                        "Message": "OK",
                    }
                ).encode()
                with contextlib.suppress(OSError):  # the client may have stopped waiting
                    client.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(answer)}\r\nConnection: close\r\n\r\n".encode()
                        + answer
                    )

    def close(self):
        self.server.close()


@pytest.fixture
def provider(settings):
    """Postmark's anymail backend pointed at a local provider; a short timeout."""
    providers = []

    def start(*, delay: float = 0.0, port: int | None = None):
        fake = Provider(delay=delay)
        providers.append(fake)
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": "test-token",
            "POSTMARK_API_URL": f"http://127.0.0.1:{port or fake.port}/",
            "REQUESTS_TIMEOUT": (1, 1),
        }
        return fake

    yield start
    for fake in providers:
        fake.close()


def test_a_provider_that_answers_is_recorded_sent_with_its_message_id(provider):
    fake = provider()
    notice = acknowledgement()
    assert notice_send(notice_id=notice.pk) == Notice.State.SENT
    notice.refresh_from_db()
    assert notice.provider_message_id == "pm-1" and notice.sent_at is not None
    assert [m["To"] for m in fake.received] == ["resident@example.com"]


def test_a_provider_that_takes_the_message_but_answers_too_late_is_outcome_unknown(provider):
    fake = provider(delay=3)
    notice = acknowledgement()
    assert notice_send(notice_id=notice.pk) == Notice.State.UNKNOWN
    notice.refresh_from_db()
    assert notice.attempts == 1 and "ReadTimeout" in notice.last_error
    # Not sent again by anything: another delivery of the task, nor the sweeper.
    assert notice_send(notice_id=notice.pk) == Notice.State.UNKNOWN
    assert sweep(older_than=timedelta(0))["notices"] == 0
    assert len(fake.received) == 1


def test_a_provider_that_cannot_be_reached_sent_nothing_and_is_tried_again(provider, settings):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        closed_port = taken.getsockname()[1]
    provider(port=closed_port)  # nothing listens there: the connection is refused
    notice = acknowledgement()
    assert notice_send(notice_id=notice.pk) == Notice.State.QUEUED
    notice.refresh_from_db()
    assert notice.retry_at > timezone.now()


def test_provider_fault_keeps_the_notice_queued_and_the_sweeper_sends_it_when_due(settings):
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    CaptureFault.objects.create(remaining=1, status_code=503)
    notice = acknowledgement()

    assert notice_send(notice_id=notice.pk) == Notice.State.QUEUED
    notice.refresh_from_db()
    assert notice.attempts == 1 and "503" in notice.last_error
    # A 30 s wait is not held in the broker: the row says when, and the sweeper sends it.
    assert timedelta(seconds=29) < notice.retry_at - timezone.now() <= timedelta(seconds=30)
    assert sweep(older_than=timedelta(0))["notices"] == 0
    Notice.objects.filter(pk=notice.pk).update(retry_at=timezone.now() - timedelta(seconds=11))
    assert sweep(older_than=timedelta(0))["notices"] == 1

    assert notice_send(notice_id=notice.pk) == Notice.State.SENT
    notice.refresh_from_db()
    captured = CapturedEmail.objects.get()
    assert notice.provider_message_id == captured.message_id and notice.retry_at is None


def test_a_short_wait_is_left_to_the_task_to_retry(settings):
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    settings.CANDOR_NOTICE_RETRY_SECONDS = 0.5
    CaptureFault.objects.create(remaining=1, status_code=429)
    notice = acknowledgement()
    with pytest.raises(TransientSendError) as raised:
        notice_send(notice_id=notice.pk)
    assert raised.value.retry_in == 0.5
    assert state_of(notice) == Notice.State.QUEUED


def test_refused_recipient_fails_the_notice_for_good(monkeypatch):
    notice = acknowledgement()

    def refuse(self, fail_silently=False):
        raise AnymailRecipientsRefused("all recipients refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert notice_send(notice_id=notice.pk) == Notice.State.FAILED
    assert state_of(notice) == Notice.State.FAILED


def test_a_notice_left_sending_by_a_worker_that_died_becomes_unknown_not_sent_again():
    notice = acknowledgement()
    started = timezone.now() - timedelta(seconds=20)
    Notice.objects.filter(pk=notice.pk).update(
        state=Notice.State.SENDING, sending_started_at=started
    )
    # Its task may still be running: a second delivery leaves it alone.
    assert notice_send(notice_id=notice.pk) == Notice.State.SENDING
    assert notices_unknown_settle() == 0
    # Longer than any task may run: nobody is sending it.
    Notice.objects.filter(pk=notice.pk).update(sending_started_at=started - timedelta(minutes=1))
    assert notices_unknown_settle() == 1
    assert state_of(notice) == Notice.State.UNKNOWN
    assert notice_send(notice_id=notice.pk) == Notice.State.UNKNOWN


def test_the_providers_tracking_event_settles_an_unknown_notice(settings):
    notice = acknowledgement()
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.UNKNOWN)
    event = AnymailTrackingEvent(
        event_type="delivered",
        message_id="pm-77",
        event_id="evt-77",
        recipient=notice.recipient_email,
        timestamp=timezone.now(),
        metadata={"notice_id": str(notice.pk)},
    )
    tracking.send(sender=None, event=event, esp_name="Postmark")
    notice.refresh_from_db()
    assert notice.state == Notice.State.DELIVERED
    assert notice.provider_message_id == "pm-77" and notice.sent_at is not None


def test_staff_can_send_an_unknown_notice_again_and_nothing_else(run_on_commit):
    notice = acknowledgement()
    assert not notice_send_again(notice=notice)  # queued: nothing to decide
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.UNKNOWN)
    with run_on_commit(execute=True) as callbacks:
        assert notice_send_again(notice=notice)
    assert len(callbacks) == 1
    assert state_of(notice) == Notice.State.QUEUED
    assert notice_send(notice_id=notice.pk) == Notice.State.SENT


def test_new_notices_are_written_already_handed_over_so_the_publish_writes_nothing(
    run_on_commit, django_assert_num_queries
):
    with run_on_commit(execute=False) as callbacks:
        notices = routed()
    assert len(notices) == 3 and all(notice.dispatched_at for notice in notices)
    with django_assert_num_queries(0):  # the broker takes them: nothing more to write
        for callback in callbacks:
            callback()


def test_notices_the_broker_refuses_are_unmarked_and_the_sweeper_sends_them(
    run_on_commit, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    with monkeypatch.context() as down:
        down.setattr("notices.dispatch.app.send_task", broker_down)
        with run_on_commit(execute=True):
            routed_notices = routed()
    notices = Notice.objects.filter(pk__in=[notice.pk for notice in routed_notices])
    assert notices.count() == 3
    assert not notices.filter(dispatched_at__isnull=False).exists()
    # Unmarked, they are the sweeper's as soon as CANDOR_SWEEP_AFTER_SECONDS has passed, not
    # after the long wait kept for work the broker holds.
    assert sweep(older_than=timedelta(0))["notices"] == notices.count()
    assert not notices.filter(dispatched_at__isnull=True).exists()


@pytest.mark.usefixtures("routing_defaults")
def test_no_row_lock_is_held_while_the_provider_has_the_message(settings, monkeypatch):
    """Another connection can lock the notice row in the middle of the call: a slow provider
    holds one worker process, never a row that routing or the sweeper needs."""
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (DATABASE_URL=postgres://…) to see row locks")
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    settings.CANDOR_CAPTURE_TRACKING = False
    notice = acknowledgement()
    seen = {}
    original = AnymailMessage.send

    def send_and_look(self, fail_silently=False):
        with postgresql_beside() as other:
            row = other.execute(
                "SELECT state FROM routing_notice WHERE id = %s FOR UPDATE NOWAIT", [notice.pk]
            ).fetchone()
            seen["state"] = row[0]
        return original(self, fail_silently=fail_silently)

    monkeypatch.setattr(AnymailMessage, "send", send_and_look)
    assert notice_send(notice_id=notice.pk) == Notice.State.SENT
    assert seen["state"] == Notice.State.SENDING


def test_a_later_notice_to_the_same_person_waits_for_the_earlier_one(dispatched, run_on_commit):
    """One person gets one submission's notices in the order they were decided: the later one
    waits while the earlier one is queued, and the earlier one dispatches it once sent."""
    submission = complaint(submitter_email="dana@example.com").submission
    submission_route(submission_id=submission.pk)
    first = Notice.objects.get(kind=Notice.Kind.ACKNOWLEDGEMENT)
    later = status_update(submission, "dana@example.com")
    elsewhere = status_update(submission, "someone.else@example.com")

    assert notice_send(notice_id=later.pk) == Notice.State.QUEUED  # waits for the first
    assert notice_send(notice_id=elsewhere.pk) == Notice.State.SENT  # someone else: no wait
    with run_on_commit(execute=True):
        assert notice_send(notice_id=first.pk) == Notice.State.SENT
    assert dispatched == [later.pk]  # the first, once sent, hands on the next
    assert notice_send(notice_id=later.pk) == Notice.State.SENT
    assert [m.to for m in mail.outbox] == [
        ["someone.else@example.com"],
        ["dana@example.com"],
        ["dana@example.com"],
    ]
    assert "Update on your complaint" in mail.outbox[-1].subject


# --- A batch (routing's acknowledgement and alerts travel in one task) ----------------------


def routed() -> list[Notice]:
    """A complaint routed: its acknowledgement and one alert per member of its queue."""
    for name in ("ivy", "jon"):
        member_of("bps-general", username=name)
    submission = complaint(submitter_email="resident@example.com").submission
    submission_route(submission_id=submission.pk)
    return list(Notice.objects.filter(submission=submission).order_by("pk"))


def recipients(outbox) -> list[str]:
    return sorted(to for message in outbox for to in message.to)


def test_a_batch_costs_three_queries_and_one_write_per_email(django_assert_num_queries):
    """The read with its order check and the claim are one query each for the whole batch, the
    hand-on of the next notices one more; each email then costs only the write of its answer.
    The queue's alerts are one email to its members."""
    notices = routed()
    assert [notice.kind for notice in notices] == ["acknowledgement"] + ["queue_alert"] * 2
    ids = [notice.pk for notice in notices]
    with django_assert_num_queries(3 + 2):
        outcomes = notices_send(notice_ids=ids)
    assert outcomes == dict.fromkeys(ids, Notice.State.SENT)
    assert [message.to for message in mail.outbox] == [
        ["resident@example.com"],
        [notice.recipient_email for notice in notices[1:]],
    ]
    assert set(Notice.objects.filter(pk__in=ids).values_list("state", "attempts")) == {
        (Notice.State.SENT, 1)
    }


def alerts(submission, queues: dict[str, str]) -> list[int]:
    """Queue alerts about the submission, one to each address, of its queue."""
    return [
        notice_queue(
            submission=submission,
            kind=Notice.Kind.QUEUE_ALERT,
            recipient_email=email,
            context={"queue": queue},
        ).pk
        for email, queue in queues.items()
    ]


@pytest.mark.django_db(transaction=True)  # the threads' connections must see the rows
def test_a_batch_sent_on_threads_writes_each_answer_on_its_own_thread(
    django_assert_num_queries,
):
    ids = alerts(
        complaint().submission,
        {
            "ivy@bps.police.example": "BPS General",
            "jon@bps.police.example": "Use of Force",
            "kim@bps.police.example": "Bias",
        },
    )
    with ThreadPoolExecutor(len(ids)) as pool:
        with django_assert_num_queries(3):
            outcomes = notices_send(notice_ids=ids, executor=pool)
        # Each thread closes its connection, so that the test database can be dropped.
        everyone = threading.Barrier(len(ids))
        list(pool.map(lambda _: (everyone.wait(5), connection.close()), ids))
    assert outcomes == dict.fromkeys(ids, Notice.State.SENT)
    assert len(mail.outbox) == len(ids)
    assert set(Notice.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        Notice.State.SENT
    }


def test_a_batch_delivered_twice_sends_nothing_twice():
    notices = routed()
    ids = [notice.pk for notice in notices]
    assert set(notices_send(notice_ids=ids).values()) == {Notice.State.SENT}
    assert notices_send(notice_ids=ids) == dict.fromkeys(ids, Notice.State.SENT)
    assert recipients(mail.outbox) == sorted(notice.recipient_email for notice in notices)


def test_in_a_batch_each_notice_comes_to_its_own_outcome(settings):
    """A provider saying "not now" to one email of a batch: that one is handed back as a short
    wait for the task to retry (not raised, which would retry the whole batch), the others
    are sent."""
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    settings.CANDOR_NOTICE_RETRY_SECONDS = 0.5
    CaptureFault.objects.create(remaining=1, status_code=429)
    ids = [notice.pk for notice in routed()]
    outcomes = notices_send(notice_ids=ids)
    waits = [pk for pk, outcome in outcomes.items() if isinstance(outcome, TransientSendError)]
    assert len(waits) == 1 and outcomes[waits[0]].retry_in == 0.5
    assert [outcomes[pk] for pk in ids if pk not in waits] == [Notice.State.SENT] * (len(ids) - 1)
    assert Notice.objects.get(pk=waits[0]).state == Notice.State.QUEUED
    assert sum(len(email.to) for email in CapturedEmail.objects.all()) == len(ids) - 1


# --- One email to a queue's members ------------------------------------------------------------


@given(
    queues=st.lists(
        st.tuples(st.sampled_from(["BPS General", "Use of Force"]), st.sampled_from(["en", "es"])),
        min_size=1,
        max_size=6,
    )
)
@settings_hypothesis(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_alerts_saying_the_same_go_as_one_email_and_each_recipient_keeps_its_notice(queues):
    """Whatever the mix, an email carries exactly the alerts of one submission that say the
    same (queue and language), each recipient once; every notice is sent with the message id
    its recipient got, and the email reads as each of them would alone."""
    mail.outbox = []
    submission = complaint().submission
    ids = [
        notice_queue(
            submission=submission,
            kind=Notice.Kind.QUEUE_ALERT,
            recipient_email=f"member{n}@bps.police.example",
            language=language,
            context={"queue": queue},
        ).pk
        for n, (queue, language) in enumerate(queues)
    ]
    assert notices_send(notice_ids=ids) == dict.fromkeys(ids, Notice.State.SENT)
    notices = {notice.recipient_email: notice for notice in Notice.objects.filter(pk__in=ids)}
    assert recipients(mail.outbox) == sorted(notices)
    assert len(mail.outbox) == len(set(queues))
    for message_id, message in enumerate(mail.outbox):
        said = {(notices[to].context["queue"], notices[to].language) for to in message.to}
        assert len(said) == 1
        assert {notices[to].provider_message_id for to in message.to} == {str(message_id)}
        alone = notice_render(notices[message.to[0]])
        assert (message.subject, message.body) == (alone.subject, alone.body)
        assert message.metadata["notice_id"] == ",".join(str(notices[to].pk) for to in message.to)
    Notice.objects.filter(pk__in=ids).delete()


def test_a_recipient_the_provider_refuses_fails_and_the_others_of_the_email_are_sent(
    monkeypatch,
):
    """anymail raises only when the provider refuses every recipient; one refused among
    several is in its per-recipient answer, and that notice alone fails for good."""
    ids = alerts(
        complaint().submission,
        {f"{name}@bps.police.example": "BPS General" for name in ("ivy", "jon", "kim")},
    )

    def answer(self, fail_silently=False):
        self.anymail_status.set_recipient_status(
            {
                "ivy@bps.police.example": AnymailRecipientStatus("m-1", "sent"),
                "jon@bps.police.example": AnymailRecipientStatus(None, "rejected"),
                "kim@bps.police.example": AnymailRecipientStatus("m-2", "queued"),
            }
        )
        return 1

    monkeypatch.setattr(AnymailMessage, "send", answer)
    outcomes = notices_send(notice_ids=ids)
    assert outcomes == dict(zip(ids, ["sent", "failed", "sent"], strict=True))
    rows = Notice.objects.filter(pk__in=ids).order_by("pk")
    assert [(n.state, n.provider_message_id) for n in rows] == [
        ("sent", "m-1"),
        ("failed", ""),
        ("sent", "m-2"),
    ]
    assert "rejected" in rows[1].last_error


def test_an_email_the_provider_fails_fails_each_of_its_notices_alike(settings):
    """A 5xx for the one email of three alerts: each notice waits to be sent again (each on
    its own then), none is lost with the others."""
    settings.EMAIL_BACKEND = "ops.mailbox.CaptureBackend"
    CaptureFault.objects.create(remaining=1, status_code=503)
    ids = alerts(
        complaint().submission,
        {f"{name}@bps.police.example": "BPS General" for name in ("ivy", "jon", "kim")},
    )
    assert set(notices_send(notice_ids=ids).values()) == {Notice.State.QUEUED}
    assert set(Notice.objects.filter(pk__in=ids).values_list("state", "attempts")) == {
        (Notice.State.QUEUED, 1)
    }
    assert not CapturedEmail.objects.exists()
    # Sent again, each by a task of its own (notice_dispatch with a countdown).
    assert [notice_send(notice_id=pk) for pk in ids] == [Notice.State.SENT] * 3
    assert [email.to for email in CapturedEmail.objects.order_by("pk")] == [
        [f"{name}@bps.police.example"] for name in ("ivy", "jon", "kim")
    ]


def test_an_alert_another_delivery_takes_first_leaves_the_email_without_its_recipient(
    monkeypatch,
):
    """Another delivery of the same task claims one alert while this one renders the email:
    the email goes to the other recipients only, and carries only their notices."""
    ids = alerts(
        complaint().submission,
        {f"{name}@bps.police.example": "BPS General" for name in ("ivy", "jon")},
    )
    render = services._notice_texts

    def rendered_meanwhile(notice, **kwargs):
        Notice.objects.filter(pk=ids[0]).update(
            state=Notice.State.SENDING, sending_started_at=timezone.now()
        )
        return render(notice, **kwargs)

    monkeypatch.setattr(services, "_notice_texts", rendered_meanwhile)
    outcomes = notices_send(notice_ids=ids)
    assert outcomes == {ids[0]: Notice.State.SENDING, ids[1]: Notice.State.SENT}
    assert [message.to for message in mail.outbox] == [["jon@bps.police.example"]]
    assert mail.outbox[0].metadata["notice_id"] == str(ids[1])


@settings_hypothesis(max_examples=50, deadline=None)
@given(text=st.text(min_size=1, max_size=300), html=st.text(min_size=1, max_size=300))
def test_a_notices_email_written_as_mime_reads_back_as_with_pythons_own_boundary(text, html):
    """The email sets its own multipart boundary (services._Email): what it writes reads back
    to the parts the same email reads back to with the boundary Python's generator picks,
    whatever the texts hold."""

    def parts(message_class) -> list[str]:
        message = message_class(subject="s", body=text, from_email="a@x.org", to=["b@x.org"])
        message.attach_alternative(html, "text/html")
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
        assert parsed.get_boundary() not in text + html
        return [part.get_content() for part in parsed.iter_parts()]

    assert parts(services._Email) == parts(AnymailMessage)


HEADER_NAMES = st.sampled_from(["Subject", "To", "From", "Content-Type", "Message-ID", "X-Tag"])
HEADER_VALUES = (
    st.text(st.characters(max_codepoint=300), max_size=100)
    | st.text(st.sampled_from(" \t=;,<>@\"'()xé"), max_size=90)
    | st.builds(lambda n: "x" * n, st.integers(60, 80))
)


def _folded(policy, name: str, value: str):
    try:
        return policy.fold_binary(name, value), policy.fold(name, value)
    except Exception as error:  # the same refusal from both, e.g. an embedded header
        return type(error)


@settings_hypothesis(max_examples=500, deadline=None)
@given(name=HEADER_NAMES, value=HEADER_VALUES, linesep=st.sampled_from(["\n", "\r\n"]))
def test_a_header_is_written_as_pythons_compat32_policy_writes_it(name, value, linesep):
    """QUICK_FOLD writes a plain header that fits on its line without Python's folding: the
    same bytes (or the same refusal), whatever the header holds and wherever it ends."""
    quick, python = (p.clone(linesep=linesep) for p in (services.QUICK_FOLD, email.policy.compat32))
    assert _folded(quick, name, value) == _folded(python, name, value)


@settings_hypothesis(max_examples=50, deadline=None)
@given(
    subject=st.text(st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=120),
    recipients=st.integers(1, 4),
)
def test_a_notices_email_is_written_as_with_pythons_own_policy(subject, recipients):
    """A notice's email is the same bytes whether its headers go through QUICK_FOLD or Python's
    own compat32 folding: short and long, ASCII and not, one recipient or several."""
    message = services._Email(
        subject=subject,
        body="text",
        from_email="Candor <no-reply@candor.localhost>",
        to=[f"member{n}@bps.police.example" for n in range(recipients)],
    )
    message.attach_alternative("<p>html</p>", "text/html")
    mime = message.message()
    assert mime.policy is services.QUICK_FOLD
    quick = mime.as_bytes()
    mime.policy = email.policy.compat32
    assert quick == mime.as_bytes()


def test_a_batchs_notices_go_in_tasks_of_whole_emails(run_on_commit, monkeypatch):
    """Routing eleven complaints together publishes their notices in tasks of at most
    BATCH_SIZE emails, every notice of an email (the queue's alerts, one email to its three
    members) in the same task, so that each goes as one email."""
    from notices import dispatch

    published: list[list[int]] = []

    def send_task(name, args=(), **kwargs):
        if name == dispatch.SEND_BATCH_TASK:
            published.append(args[0])
        elif name == dispatch.SEND_TASK:
            published.append(args)

    monkeypatch.setattr("notices.dispatch.app.send_task", send_task)
    for name in ("ivy", "jon", "kim"):
        member_of("bps-general", username=name)
    with run_on_commit(execute=True):
        for n in range(11):
            complaint(submitter_email=f"resident{n}@example.com")
        waiting_route()
    notices = {notice.pk: notice for notice in Notice.objects.all()}
    assert len(notices) == 11 * 4
    assert sorted(pk for task in published for pk in task) == sorted(notices)
    emails = [{notices[pk].letter_key() for pk in task} for task in published]
    assert [len(letters) for letters in emails] == [dispatch.BATCH_SIZE, 22 - dispatch.BATCH_SIZE]
    assert sum(len(letters) for letters in emails) == 22  # no email's notices in two tasks
