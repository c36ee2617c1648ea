"""The public transparency page's figures: built by a beat task, kept in the shared cache and
read from there, so however many people open the page the cases are not read for them.

Everything here is already suppressed (reports/tables.py, public_tables) and names no one:
units and areas are places, not people; the commendations shown are the ones the citizen
allowed to be shared and the Chief's office chose to share, without the submitter's or the
employee's name from the roster."""

from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from commendations.models import Commendation

from .models import TransparencySnapshot
from .periods import Period
from .selectors import periods_figures, published_years
from .tables import public_tables

CACHE_KEY = "reports:transparency:v1"
KEEP_SNAPSHOTS = 10
SHARED_COMMENDATIONS = 12


def transparency_build(*, today: date | None = None) -> dict:
    """The payload for every published year: this year so far and the whole years before."""
    today = today or timezone.localdate()
    years = {}
    periods = [
        Period(date(year, 1, 1), today) if year == today.year else Period.year(year)
        for year in published_years(today=today)
    ]
    for period, figures in zip(periods, periods_figures(periods=periods), strict=True):
        years[str(period.start.year)] = {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "tables": public_tables(figures),
            "shared_commendations": _shared_commendations(period),
        }
    return {"generated_at": timezone.now().isoformat(), "years": years}


def _shared_commendations(period: Period) -> list[dict]:
    first, after = period.bounds()
    shared = (
        Commendation.objects.filter(
            shared_publicly=True,
            submission__share_publicly=True,
            submission__received_at__gte=first,
            submission__received_at__lt=after,
        )
        .select_related("submission", "employee__unit")
        .order_by("-submission__received_at")[:SHARED_COMMENDATIONS]
    )
    return [
        {
            "month": timezone.localtime(c.submission.received_at).strftime("%Y-%m"),
            "unit": c.employee.unit.name if c.employee else "",
            "text": c.submission.narrative[:2000],
        }
        for c in shared
    ]


def transparency_refresh(*, today: date | None = None) -> TransparencySnapshot:
    """Build, keep and publish the figures (the beat task's work; safe to run twice)."""
    payload = transparency_build(today=today)
    with transaction.atomic():
        snapshot = TransparencySnapshot.objects.create(generated_at=timezone.now(), payload=payload)
        stale = TransparencySnapshot.objects.values_list("pk", flat=True)[KEEP_SNAPSHOTS:]
        TransparencySnapshot.objects.filter(pk__in=list(stale)).delete()
    cache.set(CACHE_KEY, payload, timeout=None)
    return snapshot


def transparency_payload() -> dict:
    """What the page shows: from the cache; after a restart from the last snapshot; before the
    first beat run, built now."""
    payload = cache.get(CACHE_KEY)
    if payload is not None:
        return payload
    snapshot = TransparencySnapshot.objects.first()
    if snapshot is None:
        return transparency_refresh().payload
    cache.set(CACHE_KEY, snapshot.payload, timeout=None)
    return snapshot.payload
