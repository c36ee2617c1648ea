"""A percentile computed by the database, so a report reads one row however many cases
there are: PostgreSQL's percentile_cont, and the same function registered on SQLite (the
embedded database of `make run`)."""

import math

from django.db.models import Aggregate, DurationField


class Percentile(Aggregate):
    """The continuous percentile (`fraction` 0.5 is the median) of a duration."""

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = DurationField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction is between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="candor_percentile",
            template="%(function)s(%(expressions)s, %(fraction)s)",
            **extra,
        )


class _SQLitePercentile:
    """percentile_cont's interpolation, as an SQLite aggregate over numbers."""

    def __init__(self):
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction):
        if value is not None:
            self.values.append(value)
        self.fraction = fraction

    def finalize(self):
        return percentile_cont(self.values, self.fraction)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """What PostgreSQL's percentile_cont returns: interpolated between the nearest two."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def sqlite_functions_register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("candor_percentile", 2, _SQLitePercentile)
