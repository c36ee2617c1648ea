"""Tracking numbers: the public reference of a submission, e.g. C-2026-000123.

Sequential per kind and year, never reused, never the database id. Status tokens: the secret
in a status link; only its digest is stored."""

import hashlib
from collections.abc import Sequence
from functools import cache, lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.crypto import salted_hmac

from ops.rowsql import column_type, insert_fields, prepared_rows, rows_insert

from .models import Submission, TrackingCounter

PREFIXES = {Submission.Kind.COMPLAINT: "C", Submission.Kind.COMPLIMENT: "K"}


def numbered_insert_alone() -> bool:
    """Whether submission_insert is one statement here (PostgreSQL), a transaction by itself."""
    return transaction.get_connection().vendor == "postgresql"


def submission_insert(submission: Submission, *, year: int, people: Sequence[Sequence[Model]]):
    """Number a new submission (the next number of its kind and `year`) and insert it with its
    people (lists of new InvolvedEmployee, Witness… rows, their `submission` set by this). The
    submission gets its key and number; the people's rows get no key back.

    On PostgreSQL one statement takes the number and writes every row (a data-modifying WITH),
    so that storing needs no transaction of its own: one round trip where the counter, each
    insert, BEGIN and COMMIT were one each, and the counter's row is locked for that statement
    and its commit only (concurrent submissions wait for it in turn). Elsewhere the number is
    taken (tracking_number_next) and the rows inserted, inside the caller's transaction."""
    if not numbered_insert_alone():
        submission.tracking_number = tracking_number_next(kind=submission.kind, year=year)
        rows_insert([submission])
        for rows in people:
            for person in rows:
                person.submission = submission
            rows_insert(rows)
        return
    db = transaction.get_connection()
    people = [rows for rows in people if rows]
    statement = _numbered_statement(tuple((type(rows[0]), len(rows)) for rows in people))
    fields = insert_fields(Submission)
    values = prepared_rows([submission], fields, db)[0]
    values[fields.index(Submission._meta.get_field("tracking_number"))] = _prefix(
        submission.kind, year
    )
    parameters = [submission.kind, year, *values]
    for rows in people:
        columns = _person_columns(type(rows[0]))
        parameters += [value for row in prepared_rows(rows, columns, db) for value in row]
    for _attempt in range(2):
        with db.cursor() as cursor:
            cursor.execute(statement, parameters)
            stored = cursor.fetchone()
        if stored is not None:
            break
        _counter_create(kind=submission.kind, year=year)  # the first of its kind this year
    else:
        raise RuntimeError(f"no tracking number counter for {submission.kind} {year}")
    submission.pk, submission.tracking_number = stored
    submission._state.adding, submission._state.db = False, db.alias
    for rows in people:
        for person in rows:
            person.submission = submission


@cache
def _numbered_statement(people: tuple[tuple[type[Model], int], ...]) -> str:
    """The statement for a submission and, for each (model, count) of `people`, that many rows.
    The people's rows are a VALUES list, not one array per column as rows_insert sends many
    rows: a submission names a few people, and psycopg writes an array in Python (0.2 against
    0.16 ms of CPU for the statement with one person). There are at most (MAX_EMPLOYEES + 1)
    × (MAX_WITNESSES + 1) of these statements."""
    db = transaction.get_connection()
    quote = db.ops.quote_name
    last = quote("last")
    meta = Submission._meta
    pk, number = quote(meta.pk.column), quote(meta.get_field("tracking_number").column)
    fields = insert_fields(Submission)
    # The number as tracking_number_next writes it: the prefix, then six digits or more.
    digits = f"lpad(n.{last}::text, greatest(6, length(n.{last}::text)), '0')"
    values = ", ".join(
        f"%s || {digits}" if field.name == "tracking_number" else f"%s::{column_type(field, db)}"
        for field in fields
    )
    parts = [
        f"n AS ({_counter_update(db.vendor)})",
        f"s AS (INSERT INTO {quote(meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"SELECT {values} FROM n RETURNING {pk}, {number})",
    ]
    for i, (model, count) in enumerate(people):
        columns = _person_columns(model)
        row = f"({', '.join(f'%s::{column_type(field, db)}' for field in columns)})"
        parts.append(
            f"p{i} AS (INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({quote(model._meta.get_field('submission').column)}, "
            f"{', '.join(quote(field.column) for field in columns)}) "
            f"SELECT s.{pk}, v.* FROM s, (VALUES {', '.join([row] * count)}) AS v)"
        )
    return f"WITH {', '.join(parts)} SELECT {pk}, {number} FROM s"  # noqa: S608


@cache
def _person_columns(model: type[Model]) -> list:
    """What a person's row is given by the statement: all but its submission, which is the
    statement's own."""
    return [field for field in insert_fields(model) if field.name != "submission"]


def _prefix(kind: str, year: int) -> str:
    return f"{PREFIXES[kind]}-{year}-"


def tracking_number_next(*, kind: str, year: int) -> str:
    """Take the next number for this kind and year. Must run inside the transaction that stores
    the submission: the counter row stays locked until it commits, so concurrent submissions
    queue up behind it, and a rolled-back submission gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "take tracking numbers inside the transaction that stores the submission"
        )
    last = _counter_increment(kind=kind, year=year)
    if last is None:
        _counter_create(kind=kind, year=year)
        last = _counter_increment(kind=kind, year=year)
    return f"{_prefix(kind, year)}{last:06d}"


def _counter_create(*, kind: str, year: int) -> None:
    try:
        with transaction.atomic():
            TrackingCounter.objects.create(kind=kind, year=year)
    except IntegrityError:
        pass  # another transaction created it first; take the next of theirs


def _counter_increment(*, kind: str, year: int) -> int | None:
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_counter_update(connection.vendor), [kind, year])
        row = cursor.fetchone()
    return None if row is None else row[0]


@cache
def _counter_update(vendor: str) -> str:
    """The counter's UPDATE for a kind and a year (the parameters), returning its new last
    number: one statement both takes the number and locks the row until commit (the ORM would
    need a SELECT … FOR UPDATE and an UPDATE). PostgreSQL and SQLite 3.35+ have RETURNING.
    Run alone (tracking_number_next) or inside the numbered insert's WITH."""
    quote = transaction.get_connection().ops.quote_name
    last = quote("last")
    return (
        f"UPDATE {quote(TrackingCounter._meta.db_table)} SET {last} = {last} + 1 "  # noqa: S608
        f"WHERE {quote('kind')} = %s AND {quote('year')} = %s RETURNING {last}"
    )


def status_token_for(idempotency_key: str) -> str:
    """The status-link token of the submission stored under this key. Derived with the server's
    secret, so that a repeated request (double click, a partner system's retry) gets the same
    link back while nobody without the secret can compute one."""
    return salted_hmac("candor.status-token", idempotency_key, algorithm="sha256").hexdigest()[:40]


def status_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def status_url_for_token(token: str) -> str:
    """The absolute status link, as emails and partner systems give it to the submitter."""
    return settings.PORTAL_BASE_URL + token_path("intake:status", token)


def token_path(viewname: str, token: str) -> str:
    """`reverse(viewname, args=[token])`, for a view whose address takes one token. The address
    is reversed once per view, URL configuration and script prefix, with a stand-in for the
    token, which is then put in its place: reversing was 1.5% of routing a submission and 1%
    of storing one. A token of anything but letters and digits is reversed as it is."""
    if not token.isascii() or not token.isalnum():
        return reverse(viewname, args=[token])
    before, after = _token_path(viewname, get_urlconf(), get_script_prefix())
    return f"{before}{token}{after}"


_STAND_IN = "tokenstandin0"


@lru_cache(maxsize=64)
def _token_path(viewname: str, urlconf, prefix: str) -> tuple[str, str]:
    before, _, after = reverse(viewname, args=[_STAND_IN]).partition(_STAND_IN)
    return before, after


def status_url(submission: Submission) -> str:
    """The submission's status link, recomputed from its key with the server's secret."""
    return status_url_for_token(status_token_for(submission.idempotency_key))
