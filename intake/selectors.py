from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from audit.models import AuditEvent

from .models import PUBLIC_STAGE_OF_CASE_STATUS, NarrativeLetters, Submission
from .tracking import status_token_digest


def submission_by_status_token(token: str) -> Submission | None:
    """The submission a status link points to, or None; a wrong token and a missing one look
    the same."""
    if not token or len(token) > 100:
        return None
    return Submission.objects.filter(status_token_digest=status_token_digest(token)).first()


def account_letters_hold(words: str) -> Q:
    """Submissions whose account's letters and digits, run together, hold those of the words
    (NarrativeLetters, PostgreSQL's alone). Every account that holds the words holds their
    letters, so this only narrows; through its trigram index it narrows a phrase of common
    words to the accounts where they follow each other.

    The letters are read first, through their index, and the submissions then looked up by
    id (`= ANY(ARRAY(…))`, a subquery run once): as `IN (…)` the planner, which knows nothing
    of how many accounts hold the words as written, took them for a handful and read every
    account to look up the letters of each (196 ms at 100,000 against 19)."""
    if connection.vendor != "postgresql":
        return Q()
    letters, params = letters_holding(words).query.sql_with_params()
    table = connection.ops.quote_name(Submission._meta.db_table)
    return Q(
        RawSQL(  # noqa: S611 - the table's name from the model's metadata; the words a parameter
            f"{table}.id = ANY(ARRAY({letters}))", params, output_field=BooleanField()
        )
    )


def letters_holding(words: str) -> QuerySet[NarrativeLetters, Any]:
    """The submissions (`submission_id`) whose letters (NarrativeLetters) hold those of the
    words: what the search looks up, and what the planner estimates. Both sides are made by the
    same PostgreSQL expression: Python's upper() differs from it on some letters (ß). The
    words' letters are a constant of the statement, so that the trigram index serves it."""
    letters = Func(
        Upper(Value(words, output_field=TextField())),
        Value("[^[:alnum:]]+"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return (
        NarrativeLetters.objects.order_by()
        .filter(letters__contains=letters)
        .values("submission_id")
    )


def accounts_holding(words: str) -> Q:
    """Submissions whose account holds the words, in any case: narrowed first by their letters
    (account_letters_hold, an index on PostgreSQL), then read as written."""
    return account_letters_hold(words) & Q(narrative__icontains=words)


def quarantine_held():
    """Submissions held as suspected spam and not yet judged, oldest first."""
    return Submission.objects.filter(quarantined=True, quarantine_decision="").order_by(
        "received_at", "id"
    )


@dataclass
class StageStep:
    """One stage on the status page: when it was reached, and whether it is behind, the one now,
    ahead, or passed over (a complaint referred elsewhere is never investigated here)."""

    stage: str
    label: str
    reached_at: datetime | None
    state: str  # "done", "current", "upcoming" or "skipped"


STAGE_ORDER = list(Submission.PublicStage)


def submission_stages(submission: Submission) -> list[StageStep]:
    """The public stages in order, each with the date the submission last entered it, read from
    the case's recorded transitions (one query). A reopened case counts from its reopening."""
    reached: dict[str, datetime] = {Submission.PublicStage.RECEIVED: submission.received_at}
    stage: str = Submission.PublicStage.RECEIVED
    transitions = (
        AuditEvent.objects.filter(submission=submission, detail__has_key="to")
        .order_by("at", "id")
        .values_list("at", "detail")
    )
    for at, detail in transitions:
        entered = PUBLIC_STAGE_OF_CASE_STATUS.get(detail.get("to"))
        if entered is not None and entered != stage:
            stage = entered
            reached[stage] = at
    current = STAGE_ORDER.index(Submission.PublicStage(submission.public_stage))
    steps = []
    for index, step in enumerate(STAGE_ORDER):
        when: datetime | None = reached.get(step)
        if index > current:
            state, when = "upcoming", None
        elif index == current:
            state = "current"
        else:
            # The latest entry into each stage is kept, so one before the current stage that
            # was never entered was passed over.
            state = "done" if when is not None else "skipped"
        steps.append(
            StageStep(stage=step.value, label=str(step.label), reached_at=when, state=state)
        )
    return steps
