import hashlib
import json
import uuid
from dataclasses import asdict
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.models import InvolvedEmployee, Submission
from intake.services import (
    EmployeeData,
    IdempotencyConflict,
    KeyReuse,
    SubmissionData,
    WitnessData,
    submission_create,
    submission_fingerprint,
    submission_receive,
)
from ops.refusals import Refused

pytestmark = pytest.mark.django_db


def data(**overrides):
    return SubmissionData(kind="complaint", narrative="He pushed me against the car.", **overrides)


def test_submission_is_stored_with_people_attached_and_handed_to_routing():
    receipt = submission_create(
        data=data(
            employees=[
                EmployeeData(name="Ana Morales", badge="1003"),
                EmployeeData(description="tall, red hair"),
            ],
            witnesses=[WitnessData(name="Sam", contact="314-555-0100")],
        )
    )
    submission = receipt.submission
    assert receipt.created
    assert submission.tracking_number.startswith("C-")
    # Written as handed to the broker in the same write: the publish after commit writes
    # nothing more unless it fails (tests/integration/test_faults.py).
    assert submission.routing_state == Submission.RoutingState.QUEUED
    assert submission.routing_dispatched_at == submission.received_at
    assert submission.routing_attempts == 1
    assert list(submission.employees.values_list("badge", flat=True)) == ["1003", ""]
    assert submission.witnesses.get().contact == "314-555-0100"
    assert (
        InvolvedEmployee.objects.filter(submission=submission, match_state="unmatched").count() == 2
    )


def test_routing_is_published_only_after_commit(run_on_commit):
    with run_on_commit(execute=False) as callbacks:
        receipt = submission_create(data=data())
    assert len(callbacks) == 1
    callbacks[0]()
    receipt.submission.refresh_from_db()
    assert receipt.submission.routing_state == Submission.RoutingState.QUEUED
    assert receipt.submission.routing_attempts == 1


def test_a_submission_held_in_quarantine_waits_pending_and_is_not_published(run_on_commit):
    with run_on_commit(execute=False) as callbacks:
        receipt = submission_create(data=data(), quarantine_reason="hidden field filled in")
    assert callbacks == []
    assert receipt.submission.routing_state == Submission.RoutingState.PENDING
    assert receipt.submission.routing_dispatched_at is None


def test_same_idempotency_key_stores_one_submission_and_returns_the_same_receipt():
    first = submission_create(data=data(), idempotency_key="double-click")
    second = submission_create(data=data(), idempotency_key="double-click")
    assert first.created and not second.created
    assert second.submission.pk == first.submission.pk
    assert second.status_token == first.status_token
    assert Submission.objects.count() == 1


def test_status_token_is_not_stored_in_clear():
    receipt = submission_create(data=data())
    stored = Submission.objects.filter(status_token_digest=receipt.status_token).exists()
    assert not stored


def test_new_content_is_stored_without_looking_for_its_key_first():
    """The usual case, new content under a new key, pays for no lookup: the key's unique index
    finds a resend, whose stored row is then read whole, once, to give back its receipt."""
    with CaptureQueriesContext(connection) as new:
        first = submission_receive(data=data(), idempotency_key="n" * 32)
    with CaptureQueriesContext(connection) as again:
        same = submission_receive(data=data(), idempotency_key="n" * 32)
    assert first.created
    assert not [q for q in new.captured_queries if q["sql"].startswith("SELECT")]
    assert not same.created and same.submission == first.submission
    assert same.status_token == first.status_token
    assert same.submission.narrative == first.submission.narrative
    assert sum('"narrative"' in q["sql"] for q in again.captured_queries) == 2  # insert, read
    assert Submission.objects.count() == 1


def test_a_resend_over_the_rate_limit_still_gets_its_receipt(settings):
    settings.CANDOR_INTAKE_RATE_LIMIT = (1, 3600)
    client = f"203.0.113.{uuid.uuid4().int % 250}"
    first = submission_receive(data=data(), idempotency_key="r" * 32, client=client)
    again = submission_receive(data=data(), idempotency_key="r" * 32, client=client)
    assert first.created and not again.created and again.submission == first.submission
    edited = SubmissionData(kind="complaint", narrative="Something else entirely.")
    with pytest.raises(Refused) as refused:
        submission_receive(
            data=edited, idempotency_key="r" * 32, client=client, on_key_reuse="store_as_new"
        )
    assert refused.value.retry_after
    assert Submission.objects.count() == 1


def test_a_key_sent_again_with_different_content_is_refused_or_stored_apart():
    first = submission_receive(data=data(), idempotency_key="k" * 32)
    edited = SubmissionData(kind="complaint", narrative="Something else entirely.")
    with pytest.raises(IdempotencyConflict):
        submission_receive(data=edited, idempotency_key="k" * 32, on_key_reuse=KeyReuse.REFUSE)
    apart = submission_receive(
        data=edited, idempotency_key="k" * 32, on_key_reuse=KeyReuse.STORE_AS_NEW
    )
    assert apart.created and apart.submission != first.submission
    assert apart.status_token != first.status_token
    same = submission_receive(data=data(), idempotency_key="k" * 32)
    assert not same.created and same.submission == first.submission


_TEXT = st.text(max_size=30)
_PEOPLE = st.lists(st.builds(EmployeeData, name=_TEXT, badge=_TEXT), max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    data=st.builds(
        SubmissionData,
        kind=st.sampled_from(["complaint", "compliment"]),
        narrative=_TEXT,
        submitter_email=_TEXT,
        on_behalf_of_other=st.booleans(),
        occurred_on=st.none() | st.dates(),
        occurred_time=st.none() | st.times(),
        service_area_id=st.none() | st.integers(1, 10**6),
        categories=st.lists(_TEXT, max_size=3),
        employees=_PEOPLE,
        witnesses=st.lists(st.builds(WitnessData, name=_TEXT, contact=_TEXT), max_size=2),
    ),
    files=st.lists(st.text("0123456789abcdef", min_size=64, max_size=64), max_size=2),
)
def test_a_submissions_fingerprint_is_the_digest_of_asdict_as_stored_before(data, files):
    """Fingerprints stored earlier were digests of dataclasses.asdict(data): a resend must
    still match them, whatever was sent."""
    sent = asdict(data)
    sent["files"] = files
    expected = hashlib.sha256(json.dumps(sent, sort_keys=True, default=str).encode()).hexdigest()
    attachments = [SimpleNamespace(sha256=digest) for digest in files]
    assert submission_fingerprint(data=data, attachments=attachments) == expected
