import hashlib
import json
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


def test_the_key_lookup_reads_only_id_and_fingerprint_until_there_is_a_row_to_return():
    """The usual case, new content under a new key, must not pay for the wide row."""
    with CaptureQueriesContext(connection) as new:
        first = submission_receive(data=data(), idempotency_key="n" * 32)
    with CaptureQueriesContext(connection) as again:
        same = submission_receive(data=data(), idempotency_key="n" * 32)
    lookups = [q["sql"] for q in new.captured_queries if '"idempotency_key" =' in q["sql"]]
    assert len(lookups) == 1
    assert '"idempotency_fingerprint"' in lookups[0] and '"narrative"' not in lookups[0]
    # Sent again: the stored row is read whole, once, to give back its receipt.
    assert not same.created and same.submission == first.submission
    assert same.submission.narrative == first.submission.narrative
    assert sum('"narrative"' in q["sql"] for q in again.captured_queries) == 1


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
