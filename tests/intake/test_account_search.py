"""The words of a search in the account: narrowed first by the account's letters (kept by
PostgreSQL beside the account, with their trigram index), then read as written. The narrowing
must never drop an account that holds the words, whatever the letters, case or punctuation."""

import pytest
from django.db import connection
from django.db.models import Q
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from intake.models import Submission
from intake.selectors import account_letters_hold, accounts_holding
from intake.services import SubmissionData, submission_create

pytestmark = pytest.mark.django_db

# Letters whose upper case is another length or another letter in some language, marks that
# combine, digits of other scripts, and what LIKE and regular expressions treat specially.
LETTERS = st.characters(
    codec="utf-8",
    exclude_characters="\x00",
    categories=["L", "M", "N", "P", "S", "Zs"],
) | st.sampled_from(list("ßſİıΣςǅﬁčćđšž%_\\'[]^$.*+?() \t\n"))
ACCOUNTS = st.text(LETTERS, max_size=60)


def _recased(text: str, flips: list[bool]) -> str:
    flips = (flips + [False] * len(text))[: len(text)]
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips, strict=True))


@pytest.fixture
def account():
    receipt = submission_create(data=SubmissionData(kind="complaint", narrative="-"))
    return receipt.submission


def holds(submission, condition) -> bool:
    return Submission.objects.filter(pk=submission.pk).filter(condition).exists()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    narrative=ACCOUNTS,
    span=st.tuples(st.integers(0, 60), st.integers(0, 60)),
    flips=st.lists(st.booleans(), max_size=60),
    other=st.text(LETTERS, min_size=1, max_size=12),
    use_other=st.booleans(),
)
def test_the_letters_never_drop_an_account_that_holds_the_words(
    account, narrative, span, flips, other, use_other
):
    start, end = sorted(span)
    words = other if use_other else _recased(narrative[start:end], flips)
    assume(words.strip())
    Submission.objects.filter(pk=account.pk).update(narrative=narrative)
    as_written = holds(account, Q(narrative__icontains=words))
    if as_written:
        assert holds(account, account_letters_hold(words)), (narrative, words)
    assert holds(account, accounts_holding(words)) is as_written, (narrative, words)


def _letters(submission) -> list[tuple[str, int]]:
    """The submission's letters row, and the transaction that last wrote it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT letters, xmin::text::bigint FROM intake_narrativeletters "
            "WHERE submission_id = %s",
            [submission.pk],
        )
        return cursor.fetchall()


def test_the_letters_are_kept_by_postgresql_through_every_change_of_the_account(account):
    if connection.vendor != "postgresql":
        pytest.skip("the letters are PostgreSQL's")
    assert [letters for letters, _writer in _letters(account)] == [""]  # stored with it
    Submission.objects.filter(pk=account.pk).update(narrative="He took my phone, at the bus-stop!")
    assert holds(account, account_letters_hold("phone at the bus stop"))
    assert holds(account, account_letters_hold("PHONEATTHEBUSSTOP"))
    assert not holds(account, accounts_holding("phone at the bus stop"))  # read as written
    Submission.objects.filter(pk=account.pk).update(narrative="[removed]")
    assert not holds(account, account_letters_hold("phone"))
    assert [letters for letters, _writer in _letters(account)] == ["REMOVED"]
    account.delete()
    assert _letters(account) == []


def test_a_write_that_leaves_the_account_as_it_was_leaves_its_letters_alone(account):
    """Routing's write of a submission, and every status's after it, are not heap-only (their
    columns are indexed): the letters and their trigram index are not written again."""
    if connection.vendor != "postgresql":
        pytest.skip("the letters are PostgreSQL's")
    Submission.objects.filter(pk=account.pk).update(narrative="Parked across the driveway")
    (before,) = _letters(account)
    Submission.objects.filter(pk=account.pk).update(routing_state=Submission.RoutingState.DONE)
    account.refresh_from_db()
    account.save()  # every column, the account's among them, as it was
    assert _letters(account) == [before]
    assert holds(account, accounts_holding("across the driveway"))


def test_the_letters_are_read_once_for_a_search_not_once_per_account(account):
    """The planner knows nothing of how many accounts hold the words as written: joined to the
    letters, it took them for a handful and read every account to look up the letters of
    each (196 ms at 100,000). The letters are read first, once, and the accounts by id."""
    if connection.vendor != "postgresql":
        pytest.skip("the letters are PostgreSQL's")
    plan = (
        Submission.objects.order_by()
        .filter(accounts_holding("parking lot door"))
        .values("id")
        .explain()
    )
    assert "InitPlan" in plan, plan
    assert "intake_narrativeletters" in plan.split("InitPlan", 1)[1], plan
