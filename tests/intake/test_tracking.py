import pytest
from django.db import transaction

from intake.models import Submission
from intake.tracking import status_token_digest, status_token_for, tracking_number_next

pytestmark = pytest.mark.django_db


def take(kind, year):
    with transaction.atomic():
        return tracking_number_next(kind=kind, year=year)


def test_numbers_are_sequential_per_kind_and_year():
    assert take(Submission.Kind.COMPLAINT, 2026) == "C-2026-000001"
    assert take(Submission.Kind.COMPLAINT, 2026) == "C-2026-000002"
    assert take(Submission.Kind.COMPLIMENT, 2026) == "K-2026-000001"
    assert take(Submission.Kind.COMPLAINT, 2027) == "C-2027-000001"


def test_a_rolled_back_submission_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        tracking_number_next(kind=Submission.Kind.COMPLAINT, year=2026)
        raise RuntimeError
    assert take(Submission.Kind.COMPLAINT, 2026) == "C-2026-000001"


@pytest.mark.django_db(transaction=True)
def test_numbers_can_only_be_taken_inside_a_transaction():
    with pytest.raises(RuntimeError):
        tracking_number_next(kind=Submission.Kind.COMPLAINT, year=2026)


def test_status_token_is_stable_per_key_and_unguessable_from_it():
    token = status_token_for("key-1")
    assert token == status_token_for("key-1")
    assert token != status_token_for("key-2")
    assert "key-1" not in token and len(token) == 40
    assert status_token_digest(token) != token
