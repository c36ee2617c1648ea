"""Months on the calendar, as thresholds and retention periods count them."""

from datetime import date


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the last day of a shorter month when it has none)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    return date(year, month + 1, min(day.day, 28))


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)
