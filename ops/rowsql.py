"""One row read by a unique column, new rows inserted, and rows written by id, in SQL of their
own.

For the few statements every submission makes: the ORM spends some 0.3 to 0.4 ms of CPU
building and compiling a one-row query or update (a queryset, its compiler, a model
instance), the statement itself 0.1 ms. Values are prepared by the model's fields, as the ORM
prepares them."""

from collections.abc import Iterable, Sequence
from functools import cache

from django.db import transaction
from django.db.models import DateTimeField, Field, Model
from django.utils import timezone


def row_by_unique(model: type[Model], field: str, value: str | int, *columns: str) -> tuple | None:
    """The `columns` (field names) of the row of `model` whose unique `field` equals `value`
    (text or a number, compared as the database compares them), or None."""
    db = transaction.get_connection()
    with db.cursor() as cursor:
        cursor.execute(_statement(model, field, columns, db.vendor), [value])
        return cursor.fetchone()


@cache
def _statement(model: type[Model], field: str, columns: tuple[str, ...], vendor: str) -> str:
    meta, quote = model._meta, transaction.get_connection().ops.quote_name
    selected = ", ".join(quote(meta.get_field(name).column) for name in columns)
    where = quote(meta.get_field(field).column)
    return f"SELECT {selected} FROM {quote(meta.db_table)} WHERE {where} = %s"  # noqa: S608


def rows_insert(objs: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """Insert these new instances of one model in one statement and give each its primary key,
    as `bulk_create` does where the database returns the keys (PostgreSQL, SQLite 3.35+). Each
    field's value is what saving would write (`pre_save`, so `auto_now_add` is set), prepared
    by the field. No signal is sent; nothing in this project listens for these models'.

    With `ignore_conflicts`, a row that would break a unique constraint is left out, and no
    instance gets its key (as `bulk_create(ignore_conflicts=True)`).

    Several rows go to PostgreSQL as one array per column (`UNNEST`, as `bulk_create` sends
    them there): the statement's text is the same for any number of rows, so psycopg parses it
    once (it parses anew every statement of more than 50 parameters, a batch of notices' 270 a
    third of its INSERT's CPU) and the server prepares it. The arrays go in PostgreSQL's binary
    form."""
    if not objs:
        return
    db = transaction.get_connection()  # not the proxy: every field asks it for its operations
    model = type(objs[0])
    fields = insert_fields(model)
    rows = prepared_rows(objs, fields, db)
    into, row, arrays, returning = _insert_statement(model, db.vendor)
    if arrays and len(rows) > 1:
        values, parameters = arrays, [list(column) for column in zip(*rows, strict=True)]
    else:
        values = "VALUES " + ", ".join([row] * len(rows))
        parameters = [value for row_values in rows for value in row_values]
    with db.cursor() as cursor:
        if ignore_conflicts:
            cursor.execute(f"{into} {values} ON CONFLICT DO NOTHING", parameters)
            return
        cursor.execute(f"{into} {values} {returning}", parameters)
        keys = [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, db.alias


def prepared_rows(objs: Iterable[Model], fields: Sequence[Field], db) -> list[list]:
    """Each instance's values for `fields`, as saving would write them (`pre_save`), prepared
    by the fields for the connection `db`. The automatic times (`auto_now`, `auto_now_add`)
    are one moment for all of them, as `bulk_create`'s rows are written at once: pre_save asks
    the clock, through Django's settings proxy, for each field of each row (a fortieth of the
    worker's CPU for a drain's notices)."""
    objs = list(objs)
    stamped = {field for field in fields if _stamped(field)}
    if stamped:
        now = timezone.now()
        for obj in objs:
            for field in stamped:
                setattr(obj, field.attname, now)
    return [
        [
            field.get_db_prep_save(
                getattr(obj, field.attname) if field in stamped else field.pre_save(obj, True),
                db,
            )
            for field in fields
        ]
        for obj in objs
    ]


def _stamped(field: Field) -> bool:
    """Whether saving a new row sets this field to the time (DateTimeField's pre_save)."""
    return isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add)


def column_type(field: Field, db) -> str:
    """The column's type without its length, to cast a value or an array to: a value is not
    cut short to fit (as bulk_create)."""
    return field.db_type(db).split("(")[0]


@cache
def insert_fields(model: type[Model]) -> list[Field]:
    """The fields an insert writes: all but the automatic key."""
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    if any(field.has_db_default() for field in fields):
        raise ValueError(f"{meta.label} has a field with a database default")
    return fields


@cache
def _insert_statement(model: type[Model], vendor: str) -> tuple[str, str, str, str]:
    """`INSERT INTO … (columns)`; one row's placeholders, for VALUES; on PostgreSQL, the rows
    as one array per column (else empty); `RETURNING` the key."""
    db = transaction.get_connection()
    quote, meta, fields = db.ops.quote_name, model._meta, insert_fields(model)
    columns = ", ".join(quote(field.column) for field in fields)
    arrays = ""
    if vendor == "postgresql":
        arrays = f"SELECT * FROM UNNEST({unnest_arrays(fields, db)})"  # noqa: S608
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns})",
        f"({', '.join(['%s'] * len(fields))})",
        arrays,
        f"RETURNING {quote(meta.pk.column)}",
    )


def unnest_arrays(fields: Sequence[Field], db) -> str:
    """PostgreSQL: one array parameter per field, for UNNEST to make rows of. Sent in binary
    (%b): psycopg writes an array's text form in Python, escaping each element, which was two
    fifths of inserting a drain's notices."""
    return ", ".join(f"(%b)::{column_type(field, db)}[]" for field in fields)


def rows_update(
    model: type[Model], pks: Sequence[int], values: dict[str, object], **among: Iterable
) -> int:
    """Set `values` (field name: value) on the rows of `model` with these primary keys and,
    for each field named in `among`, a value among those given; returns how many rows changed
    (as QuerySet.update does)."""
    if not pks:
        return 0
    db = transaction.get_connection()  # not the proxy: every field asks it for its operations
    meta, quote = model._meta, db.ops.quote_name
    assignments, parameters = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        parameters.append(field.get_db_prep_save(value, db))
    conditions = [f"{quote(meta.pk.column)} IN ({', '.join(['%s'] * len(pks))})"]
    parameters += [meta.pk.get_db_prep_value(pk, db) for pk in pks]
    for name, allowed in among.items():
        field, allowed = meta.get_field(name), list(allowed)
        if not allowed:
            return 0
        conditions.append(f"{quote(field.column)} IN ({', '.join(['%s'] * len(allowed))})")
        parameters += [field.get_db_prep_value(value, db) for value in allowed]
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
            f"WHERE {' AND '.join(conditions)}",
            parameters,
        )
        return cursor.rowcount
