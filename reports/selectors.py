"""The figures of the annual statistical summary, read with aggregate queries: a fixed number
of queries for a period, however many cases it holds, each answered from an index on the
date it filters by.

Which complaints count where (the page says the same):
- "received" figures count the complaints received in the period, by the date received; a
  complaint merged into another as its duplicate is counted once, as the one it joined;
- what happened to complaints (findings, mediations, referrals, time to close) counts the cases
  that ended in the period, by the date they ended;
- a complaint counts under each allegation category the investigation recorded, or, until it
  has, each category the complainant chose (none chosen counts as Other, as the investigation
  would record it); and under the unit of each roster employee it names.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Allegation, Case, Finding
from commendations.models import Commendation
from intake.models import AllegationCategory, InvolvedEmployee, Submission

from .aggregates import Percentile
from .periods import Period

# How a case ends; a merge is not an ending of a complaint but of a duplicate record.
ENDINGS = [Case.Status.CLOSED, Case.Status.MEDIATED, Case.Status.REFERRED]


@dataclass
class Figures:
    """One period's numbers, keyed by stable codes (labels are the page's business)."""

    period: Period
    received: int = 0
    by_month: dict[str, int] = field(default_factory=dict)  # "2026-01": n, every month
    by_category: dict[str, int] = field(default_factory=dict)  # every category
    by_channel: dict[str, int] = field(default_factory=dict)  # every channel
    by_unit: dict[str, int] = field(default_factory=dict)  # unit name; "" none identified
    by_area: dict[str, int] = field(default_factory=dict)  # service area name; "" not given
    endings: dict[str, int] = field(default_factory=dict)  # every ending
    findings: dict[str, dict[str, int]] = field(default_factory=dict)  # category → finding → n
    ended: int = 0  # cases ended in the period (closed, mediated, referred)
    days_median: float | None = None
    days_p90: float | None = None
    within_due: int = 0
    commendations_by_unit: dict[str, int] = field(default_factory=dict)  # "" not identified
    commendations: int = 0

    @property
    def within_due_share(self) -> float | None:
        return self.within_due / self.ended if self.ended else None


def received_in(period: Period) -> QuerySet[Case]:
    """Complaints received in the period (the submission's received_at index), without the
    duplicates merged into another case."""
    first, after = period.bounds()
    return Case.objects.filter(
        submission__received_at__gte=first, submission__received_at__lt=after
    ).exclude(status=Case.Status.MERGED)


def ended_in(period: Period) -> QuerySet[Case]:
    first, after = period.bounds()
    return Case.objects.filter(closed_at__gte=first, closed_at__lt=after, status__in=ENDINGS)


def period_figures(*, period: Period) -> Figures:
    """Everything the summary shows for one period, in eleven queries."""
    figures = Figures(period=period)
    received = received_in(period)

    months = {month.strftime("%Y-%m"): 0 for month in period.months()}
    zone = timezone.get_current_timezone()
    rows = (
        received.annotate(month=TruncMonth("submission__received_at", tzinfo=zone))
        .values("month")
        .order_by()
        .annotate(n=Count("id"))
    )
    for row in rows:
        month = row["month"]
        key = (month.date() if hasattr(month, "date") else month).strftime("%Y-%m")
        months[key] = months.get(key, 0) + row["n"]
    figures.by_month = months
    figures.received = sum(months.values())

    figures.by_channel = dict.fromkeys(Submission.Channel.values, 0)
    for by_channel in received.values("submission__channel").order_by().annotate(n=Count("id")):
        figures.by_channel[by_channel["submission__channel"]] = by_channel["n"]

    figures.by_category = _by_category(received)
    figures.by_unit = _by_unit(received)

    figures.by_area = {}
    areas = received.values("submission__service_area__name").order_by().annotate(n=Count("id"))
    for by_area in areas:
        figures.by_area[by_area["submission__service_area__name"] or ""] = by_area["n"]

    ended = ended_in(period)
    figures.endings = dict.fromkeys(ENDINGS, 0)
    for ending in ended.values("status").order_by().annotate(n=Count("id")):
        figures.endings[ending["status"]] = ending["n"]
    figures.ended = sum(figures.endings.values())

    figures.findings = {c: dict.fromkeys(Finding.values, 0) for c in AllegationCategory.values}
    closed = ended.filter(status=Case.Status.CLOSED)
    for finding in (
        Allegation.objects.filter(case__in=closed)
        .exclude(finding="")
        .values("category", "finding")
        .order_by()
        .annotate(n=Count("id"))
    ):
        figures.findings.setdefault(finding["category"], {})[finding["finding"]] = finding["n"]

    duration = ExpressionWrapper(
        F("closed_at") - F("submission__received_at"), output_field=DurationField()
    )
    times = ended.aggregate(
        median=Percentile(duration, fraction=0.5),
        p90=Percentile(duration, fraction=0.9),
        within_due=Count("id", filter=Q(closed_at__date__lte=F("due_date"))),
    )
    figures.days_median = _days(times["median"])
    figures.days_p90 = _days(times["p90"])
    figures.within_due = times["within_due"]

    first, after = period.bounds()
    commendations = Commendation.objects.filter(
        submission__received_at__gte=first, submission__received_at__lt=after
    )
    for by_unit in commendations.values("employee__unit__name").order_by().annotate(n=Count("id")):
        figures.commendations_by_unit[by_unit["employee__unit__name"] or ""] = by_unit["n"]
    figures.commendations = sum(figures.commendations_by_unit.values())
    return figures


def _by_category(received: QuerySet[Case]) -> dict[str, int]:
    """Each complaint once under each category: the investigation's allegations where it has
    recorded any (one query), the complainant's choice where not (one query)."""
    counts = dict.fromkeys(AllegationCategory.values, 0)
    recorded = (
        Allegation.objects.filter(case__in=received)
        .values("category")
        .order_by()
        .annotate(n=Count("case", distinct=True))
    )
    for row in recorded:
        counts[row["category"]] = counts.get(row["category"], 0) + row["n"]
    chosen = received.exclude(Exists(Allegation.objects.filter(case=OuterRef("pk"))))
    # The categories are a JSON list of codes; a code in quotes matches that code only.
    aggregates = {
        code: Count("id", filter=Q(submission__categories__icontains=f'"{code}"'))
        for code in AllegationCategory.values
    }
    aggregates["none_chosen"] = Count("id", filter=Q(submission__categories=[]))
    chosen_counts = chosen.aggregate(**aggregates)
    for code in AllegationCategory.values:
        counts[code] += chosen_counts[code]
    counts[AllegationCategory.OTHER] += chosen_counts["none_chosen"]
    return counts


def _by_unit(received: QuerySet[Case]) -> dict[str, int]:
    """Complaints per unit of the roster employees they name (a complaint naming officers of
    two units counts in both), and those naming nobody the roster knows."""
    counts: dict[str, int] = {}
    named = InvolvedEmployee.objects.filter(submission__case__in=received, employee__isnull=False)
    for row in (
        named.values("employee__unit__name")
        .order_by()
        .annotate(n=Count("submission", distinct=True))
    ):
        counts[row["employee__unit__name"]] = row["n"]
    nobody = received.exclude(
        Exists(
            InvolvedEmployee.objects.filter(
                submission=OuterRef("submission"), employee__isnull=False
            )
        )
    ).count()
    counts[""] = nobody
    return counts


def _days(duration: timedelta | None) -> float | None:
    if duration is None:
        return None
    return round(duration.total_seconds() / 86400, 1)


def published_years(*, today: date | None = None, years: int = 5) -> list[int]:
    """The years the transparency page offers: this one so far and the whole years before
    it, back to the first complaint or `years` in all."""
    today = today or timezone.localdate()
    first = Submission.objects.order_by("received_at").values_list("received_at", flat=True)[:1]
    earliest = timezone.localtime(first[0]).year if first else today.year
    return list(range(today.year, max(earliest, today.year - years + 1) - 1, -1))
