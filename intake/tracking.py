"""Tracking numbers: the public reference of a submission, e.g. C-2026-000123.

Sequential per kind and year, never reused, never the database id. Status tokens: the secret
in a status link; only its digest is stored."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac

from .models import Submission, TrackingCounter

PREFIXES = {Submission.Kind.COMPLAINT: "C", Submission.Kind.COMPLIMENT: "K"}


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
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(kind=kind, year=year)
        except IntegrityError:
            pass  # another transaction created it first; take the next of theirs
        last = _counter_increment(kind=kind, year=year)
    return f"{PREFIXES[kind]}-{year}-{last:06d}"


def _counter_increment(*, kind: str, year: int) -> int | None:
    # One statement both takes the number and locks the row until commit (the ORM would need
    # a SELECT … FOR UPDATE and an UPDATE). PostgreSQL and SQLite 3.35+ have RETURNING.
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table = quote(TrackingCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('last')} = {quote('last')} + 1 "  # noqa: S608
            f"WHERE {quote('kind')} = %s AND {quote('year')} = %s RETURNING {quote('last')}",
            [kind, year],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def status_token_for(idempotency_key: str) -> str:
    """The status-link token of the submission stored under this key. Derived with the server's
    secret, so that a repeated request (double click, a partner system's retry) gets the same
    link back while nobody without the secret can compute one."""
    return salted_hmac("candor.status-token", idempotency_key, algorithm="sha256").hexdigest()[:40]


def status_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def status_url_for_token(token: str) -> str:
    """The absolute status link, as emails and partner systems give it to the submitter."""
    return settings.PORTAL_BASE_URL + reverse("intake:status", args=[token])


def status_url(submission: Submission) -> str:
    """The submission's status link, recomputed from its key with the server's secret."""
    return status_url_for_token(status_token_for(submission.idempotency_key))
