"""Statements planned for their own values where a plan made for any value would guess wrong.

A statement a connection has run five times is prepared (config/settings/base.py), and after
five executions PostgreSQL may keep one plan made for any value (`plan_cache_mode=auto`, its
default) when that plan looks no dearer than planning again. For the public flow's and the
worker's few statements that saves planning on every execution: the numbered insert, the
notices' state changes, the foreign-key checks PostgreSQL runs on every inserted row. For the
staff pages it does not: such a plan guesses how common a searched word is and how many ids an
array holds, and at 100,000 cases it doubled the employee name and badge searches (129 and 117
ms against 66 and 63). Their requests run inside `planned_for_values`. A statement of the
public flow or the worker whose plan must know a value (a partial index's condition) is given
it as a `Constant`; one that reads a queue's partial index reads it entry by entry
(`read_entry_by_entry`). Statements on a table that grows from empty on a new database (the
notices) are planned each time (`planned_each_time`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Value
from psycopg.pq import TransactionStatus


class Constant(Value):
    """A value of the code's own (never a user's) written into the statement's text, not sent
    as a parameter: a plan made for any value cannot use a partial index whose condition
    names it."""

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        if connection.vendor != "postgresql":
            return sql, params
        return connection.ops.compose_sql(sql, params), []


def _prepares(db) -> bool:
    """Whether this connection prepares the statements it repeats (PostgreSQL, unless
    DATABASE_PREPARED_STATEMENTS turned it off)."""
    return db.vendor == "postgresql" and bool(db.settings_dict["OPTIONS"].get("prepare_threshold"))


@contextmanager
def planned_for_values(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every statement run inside is planned for its own values. The setting is the session's,
    sent on the driver's connection itself: it reads and writes nothing, and is not counted
    among the page's queries. It is reset on the way out, whatever happened inside, unless the
    connection is gone or its transaction failed: then it stays until the next staff page
    resets it or the connection closes, which costs only planning."""
    db = connections[using]
    if not _prepares(db):
        yield
        return
    db.close_if_health_check_failed()
    db.ensure_connection()
    session = db.connection
    with db.wrap_database_errors:  # as Django's own errors, should the server be gone
        session.execute("SET plan_cache_mode = force_custom_plan")
    try:
        yield
    finally:
        if db.connection is session and session.info.transaction_status in (
            TransactionStatus.IDLE,
            TransactionStatus.INTRANS,
        ):
            with db.wrap_database_errors:
                session.execute("RESET plan_cache_mode")


@contextmanager
def planned_each_time(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Statements run inside are not prepared, so each is planned for its tables as they are.

    A kept plan is made once, for the tables as they were then, and is made again only when
    something invalidates it, such as ANALYZE. The notices table starts empty on a new
    database; a plan made in its first minute, while it was small (a scan of the whole table,
    or of the index of states), was kept after it had grown wherever autovacuum was off (and
    until the first autovacuum where it is on), until the connection closed: 25 ms a batch
    read at 40,000 notices, against 0.3. Planning costs about 0.1 ms a statement. Unlike
    `planned_for_values` this sends nothing: the driver leaves the statements unprepared. A
    connection opened inside (after a lost one) keeps the driver's default."""
    db = connections[using]
    if not _prepares(db):
        yield
        return
    db.ensure_connection()
    session = db.connection
    kept = session.prepare_threshold
    session.prepare_threshold = None
    try:
        yield
    finally:
        session.prepare_threshold = kept


def read_entry_by_entry(using: str = DEFAULT_DB_ALIAS) -> None:
    """The rest of the current transaction reads indexes entry by entry, never as a bitmap.

    A queue's partial index (the submissions waiting to be routed) keeps an entry for every
    row that left the queue since the table's last VACUUM: leaving changes an indexed column,
    so the update is never heap-only. An index scan that passes such an entry marks it dead,
    and later scans skip it; a bitmap scan marks nothing, and visits every such entry's table
    page each time. PostgreSQL chooses the bitmap when it guesses the queue short (always,
    before the table is first analyzed), so a drain read grew with every submission routed
    until autovacuum came: 8 ms at 16,000 routed, against 0.1 once the entries were marked.
    Like `planned_for_values`, a setting sent on the driver's connection: it reads and writes
    nothing, and ends with the transaction (call it inside one)."""
    db = connections[using]
    if db.vendor != "postgresql":
        return
    db.ensure_connection()
    with db.wrap_database_errors:
        db.connection.execute("SET LOCAL enable_bitmapscan = off")
