"""One row read by a unique column, new rows inserted, and rows written by id, in SQL of their
own.

For the few statements every submission makes: the ORM spends some 0.3 to 0.4 ms of CPU
building and compiling a one-row query or update (a queryset, its compiler, a model
instance), the statement itself 0.1 ms. Values are prepared by the model's fields, as the ORM
prepares them."""

from collections.abc import Iterable, Sequence
from functools import cache

from django.db import connection
from django.db.models import Field, Model


def row_by_unique(model: type[Model], field: str, value: str | int, *columns: str) -> tuple | None:
    """The `columns` (field names) of the row of `model` whose unique `field` equals `value`
    (text or a number, compared as the database compares them), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(model, field, columns, connection.vendor), [value])
        return cursor.fetchone()


@cache
def _statement(model: type[Model], field: str, columns: tuple[str, ...], vendor: str) -> str:
    meta, quote = model._meta, connection.ops.quote_name
    selected = ", ".join(quote(meta.get_field(name).column) for name in columns)
    where = quote(meta.get_field(field).column)
    return f"SELECT {selected} FROM {quote(meta.db_table)} WHERE {where} = %s"  # noqa: S608


def rows_insert(objs: Sequence[Model]) -> None:
    """Insert these new instances of one model in one statement and give each its primary key,
    as `bulk_create` does where the database returns the keys (PostgreSQL, SQLite 3.35+). Each
    field's value is what saving would write (`pre_save`, so `auto_now_add` is set), prepared
    by the field. No signal is sent; nothing in this project listens for these models'."""
    if not objs:
        return
    model = type(objs[0])
    fields = _insert_fields(model)
    parameters = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    into, returning = _insert_statement(model, connection.vendor)
    rows = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * len(objs))
    with connection.cursor() as cursor:
        cursor.execute(f"{into} VALUES {rows} {returning}", parameters)
        keys = [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, connection.alias


@cache
def _insert_fields(model: type[Model]) -> list[Field]:
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    if any(field.has_db_default() for field in fields):
        raise ValueError(f"{meta.label} has a field with a database default")
    return fields


@cache
def _insert_statement(model: type[Model], vendor: str) -> tuple[str, str]:
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(field.column) for field in _insert_fields(model))
    return f"INSERT INTO {quote(meta.db_table)} ({columns})", f"RETURNING {quote(meta.pk.column)}"


def rows_update(
    model: type[Model], pks: Sequence[int], values: dict[str, object], **among: Iterable
) -> int:
    """Set `values` (field name: value) on the rows of `model` with these primary keys and,
    for each field named in `among`, a value among those given; returns how many rows changed
    (as QuerySet.update does)."""
    if not pks:
        return 0
    meta, quote = model._meta, connection.ops.quote_name
    assignments, parameters = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        parameters.append(field.get_db_prep_save(value, connection))
    conditions = [f"{quote(meta.pk.column)} IN ({', '.join(['%s'] * len(pks))})"]
    parameters += [meta.pk.get_db_prep_value(pk, connection) for pk in pks]
    for name, allowed in among.items():
        field, allowed = meta.get_field(name), list(allowed)
        if not allowed:
            return 0
        conditions.append(f"{quote(field.column)} IN ({', '.join(['%s'] * len(allowed))})")
        parameters += [field.get_db_prep_value(value, connection) for value in allowed]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
            f"WHERE {' AND '.join(conditions)}",
            parameters,
        )
        return cursor.rowcount
