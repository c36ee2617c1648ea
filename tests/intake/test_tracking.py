import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.models import InvolvedEmployee, Submission, TrackingCounter, Witness
from intake.tracking import (
    status_token_digest,
    status_token_for,
    submission_insert,
    tracking_number_next,
)
from tests.strategies import ACCOUNT_FIELDS, EMPLOYEE_ROWS, TEXT

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


def _submission(n: int, **fields) -> Submission:
    return Submission(
        kind=fields.pop("kind", Submission.Kind.COMPLAINT),
        idempotency_key=f"key{n}",
        status_token_digest=f"digest{n}",
        narrative=fields.pop("narrative", "What happened."),
        **fields,
    )


def test_an_inserted_submission_is_numbered_as_tracking_number_next_numbers():
    stored = []
    with transaction.atomic():
        for n, (kind, year) in enumerate(
            [("complaint", 2026), ("complaint", 2026), ("compliment", 2026), ("complaint", 2031)]
        ):
            submission = _submission(n, kind=kind)
            submission_insert(submission, year=year, people=[])
            stored.append(submission)
    assert [s.tracking_number for s in stored] == [
        "C-2026-000001",
        "C-2026-000002",
        "K-2026-000001",
        "C-2031-000001",
    ]
    assert [Submission.objects.get(pk=s.pk).tracking_number for s in stored] == [
        s.tracking_number for s in stored
    ]
    assert take(Submission.Kind.COMPLAINT, 2026) == "C-2026-000003"


def test_past_six_digits_a_number_grows_as_tracking_number_next_writes_it():
    TrackingCounter.objects.create(kind="complaint", year=2026, last=999_998)
    first, second = _submission(1), _submission(2)
    with transaction.atomic():
        submission_insert(first, year=2026, people=[])
        submission_insert(second, year=2026, people=[])
    assert (first.tracking_number, second.tracking_number) == ("C-2026-999999", "C-2026-1000000")
    assert take(Submission.Kind.COMPLAINT, 2026) == "C-2026-1000001"


def test_an_insert_refused_gives_its_number_back_and_writes_no_people():
    first = _submission(1)
    with transaction.atomic():
        submission_insert(first, year=2026, people=[])
    again = _submission(1)  # the same idempotency key
    with pytest.raises(IntegrityError), transaction.atomic():
        submission_insert(again, year=2026, people=[[InvolvedEmployee(name="Officer Brown")]])
    assert not InvolvedEmployee.objects.exists()
    assert take(Submission.Kind.COMPLAINT, 2026) == "C-2026-000002"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    account=st.fixed_dictionaries(ACCOUNT_FIELDS),
    employees=EMPLOYEE_ROWS,
    witnesses=st.lists(st.fixed_dictionaries({"name": TEXT, "contact": TEXT}), max_size=2),
)
def test_a_submission_and_its_people_are_stored_as_the_orm_stores_them(
    account, employees, witnesses
):
    def made(how: str) -> int:
        submission = _submission(0 if how == "ours" else 1, **account)
        people = [
            [InvolvedEmployee(**person) for person in employees],
            [Witness(**person) for person in witnesses],
        ]
        if how == "ours":
            submission_insert(submission, year=2026, people=people)
        else:
            submission.tracking_number = "by the ORM"
            submission.save()
            for rows in people:
                for person in rows:
                    person.submission = submission
                    person.save()
        assert submission.pk and not submission._state.adding
        assert all(person.submission_id == submission.pk for rows in people for person in rows)
        return submission.pk

    def read(pk: int) -> tuple:
        submission = Submission.objects.values().get(pk=pk)
        for name in ("id", "tracking_number", "idempotency_key", "status_token_digest"):
            submission.pop(name)
        submission.pop("received_at")
        people = [
            [
                {k: v for k, v in row.items() if k not in ("id", "submission_id")}
                for row in model.objects.filter(submission_id=pk).values().order_by("pk")
            ]
            for model in (InvolvedEmployee, Witness)
        ]
        return submission, people

    with transaction.atomic():
        assert read(made("ours")) == read(made("django"))
        transaction.set_rollback(True)  # the next example starts without these rows


@pytest.mark.parametrize("view", ["intake:status", "intake:received"])
@pytest.mark.parametrize("token", ["0123abcd" * 5, "Z", "with space", "ß", "a/b", "%41", ""])
@pytest.mark.parametrize("prefix", ["/", "/portal/"])
def test_an_address_with_a_token_is_what_reverse_makes(view, token, prefix):
    from django.urls import NoReverseMatch, reverse, set_script_prefix

    from intake.tracking import token_path

    set_script_prefix(prefix)
    try:
        try:
            expected = reverse(view, args=[token])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                token_path(view, token)
            return
        assert token_path(view, token) == expected and expected.startswith(prefix)
    finally:
        set_script_prefix("/")
