"""The figures of the annual statistical summary, read with aggregate queries: eight for a
period and the year before it, or for every published year, however many cases they hold.

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

from django.db.models import Case as DjangoCase
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
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


def _within(field: str, periods: list[Period]) -> Q:
    """The rows whose `field` (a datetime) falls in any of the periods (each on an index)."""
    condition = Q()
    for period in periods:
        first, after = period.bounds()
        condition |= Q(**{f"{field}__gte": first, f"{field}__lt": after})
    return condition


def _tag(field: str, periods: list[Period]) -> DjangoCase:
    """Which of the (non-overlapping) periods a row's `field` falls in, by position."""
    whens = []
    for n, period in enumerate(periods):
        first, after = period.bounds()
        whens.append(When(Q(**{f"{field}__gte": first, f"{field}__lt": after}), then=Value(n)))
    return DjangoCase(*whens, output_field=IntegerField())


def period_figures(*, period: Period) -> Figures:
    """Everything the summary shows for one period."""
    return periods_figures(periods=[period])[0]


def periods_figures(*, periods: list[Period]) -> list[Figures]:
    """Everything the summary shows for each period, in eight queries however many periods
    there are and however many cases they hold.

    Each query reads every period at once, its rows tagged with the period they fall in. Periods
    that overlap (a two-year range and the two years before it) are cut where they begin and
    end into pieces that do not, and each period's counts are the sum of its pieces'; times to
    close, which do not add up, are read per period (one query more for each overlap)."""
    pieces = _pieces(periods)
    figures = _figures(pieces)
    by_period = []
    for period in periods:
        total = Figures(period=period)
        for piece, f in zip(pieces, figures, strict=True):
            if period.start <= piece.start and piece.end <= period.end:
                _add(total, f)
        by_period.append(total)
    for group in _non_overlapping_groups(periods):
        _times(group, [by_period[periods.index(p)] for p in group])
    return by_period


def _pieces(periods: list[Period]) -> list[Period]:
    """The periods cut into pieces that do not overlap, covering exactly the same days."""
    cuts = sorted({p.start for p in periods} | {p.end + timedelta(days=1) for p in periods})
    pieces = []
    for start, after in zip(cuts, cuts[1:], strict=False):
        piece = Period(start, after - timedelta(days=1))
        if any(p.start <= piece.start and piece.end <= p.end for p in periods):
            pieces.append(piece)
    return pieces


def _non_overlapping_groups(periods: list[Period]) -> list[list[Period]]:
    groups: list[list[Period]] = []
    for period in sorted(set(periods), key=lambda p: p.start):
        for group in groups:
            if all(period.start > other.end or period.end < other.start for other in group):
                group.append(period)
                break
        else:
            groups.append([period])
    return groups


def _add(total: Figures, piece: Figures) -> None:
    total.received += piece.received
    total.ended += piece.ended
    total.within_due += piece.within_due
    total.commendations += piece.commendations
    for name in (
        "by_month",
        "by_category",
        "by_channel",
        "by_unit",
        "by_area",
        "endings",
        "commendations_by_unit",
    ):
        into = getattr(total, name)
        for key, n in getattr(piece, name).items():
            into[key] = into.get(key, 0) + n
    for category, findings in piece.findings.items():
        into = total.findings.setdefault(category, {})
        for finding, n in findings.items():
            into[finding] = into.get(finding, 0) + n


def _times(periods: list[Period], figures: list[Figures]) -> None:
    """Median and 90th percentile of the days to close, for periods that do not overlap."""
    closed_at = "closed_at"
    duration = ExpressionWrapper(
        F("closed_at") - F("submission__received_at"), output_field=DurationField()
    )
    rows = (
        Case.objects.filter(_within(closed_at, periods), status__in=ENDINGS)
        .annotate(tag=_tag(closed_at, periods))
        .values("tag")
        .order_by()
        .annotate(median=Percentile(duration, fraction=0.5), p90=Percentile(duration, fraction=0.9))
    )
    for row in rows:
        figures[row["tag"]].days_median = _days(row["median"])
        figures[row["tag"]].days_p90 = _days(row["p90"])


def _figures(periods: list[Period]) -> list[Figures]:
    """The counts of periods that do not overlap (times to close are read by _times)."""
    figures = [Figures(period=p) for p in periods]
    for f in figures:
        f.by_month = {month.strftime("%Y-%m"): 0 for month in f.period.months()}
        f.by_channel = dict.fromkeys(Submission.Channel.values, 0)
        f.endings = dict.fromkeys(ENDINGS, 0)
        f.findings = {c: dict.fromkeys(Finding.values, 0) for c in AllegationCategory.values}

    received_at = "submission__received_at"
    received = (
        Case.objects.filter(_within(received_at, periods))
        .exclude(status=Case.Status.MERGED)
        .annotate(tag=_tag(received_at, periods))
    )
    zone = timezone.get_current_timezone()
    # Month, channel and area in one pass.
    rows = (
        received.annotate(month=TruncMonth(received_at, tzinfo=zone))
        .values("tag", "month", "submission__channel", "submission__service_area__name")
        .order_by()
        .annotate(n=Count("id"))
    )
    for row in rows:
        f = figures[row["tag"]]
        month = row["month"]
        key = (month.date() if hasattr(month, "date") else month).strftime("%Y-%m")
        f.by_month[key] = f.by_month.get(key, 0) + row["n"]
        channel = row["submission__channel"]
        f.by_channel[channel] = f.by_channel.get(channel, 0) + row["n"]
        area = row["submission__service_area__name"] or ""
        f.by_area[area] = f.by_area.get(area, 0) + row["n"]
        f.received += row["n"]

    _by_category(received, figures)
    _by_unit(received, periods, figures)

    closed_at = "closed_at"
    ended = (
        Case.objects.filter(_within(closed_at, periods), status__in=ENDINGS)
        .annotate(tag=_tag(closed_at, periods))
        .values("tag")
        .order_by()
    )
    for ending in ended.annotate(
        **{status: Count("id", filter=Q(status=status)) for status in ENDINGS},
        within_due=Count("id", filter=Q(closed_at__date__lte=F("due_date"))),
    ):
        f = figures[ending["tag"]]
        f.endings = {status: ending[status] for status in ENDINGS}  # type: ignore[literal-required]
        f.ended = sum(f.endings.values())
        f.within_due = ending["within_due"]

    findings = (
        Allegation.objects.filter(
            _within("case__closed_at", periods), case__status=Case.Status.CLOSED
        )
        .exclude(finding="")
        .annotate(tag=_tag("case__closed_at", periods))
        .values("tag", "category", "finding")
        .order_by()
        .annotate(n=Count("id"))
    )
    for finding in findings:
        per_category = figures[finding["tag"]].findings.setdefault(finding["category"], {})
        per_category[finding["finding"]] = finding["n"]

    commendations = (
        Commendation.objects.filter(_within(received_at, periods))
        .annotate(tag=_tag(received_at, periods))
        .values("tag", "employee__unit__name")
        .order_by()
        .annotate(n=Count("id"))
    )
    for by_unit in commendations:
        f = figures[by_unit["tag"]]
        f.commendations_by_unit[by_unit["employee__unit__name"] or ""] = by_unit["n"]
        f.commendations += by_unit["n"]
    return figures


def _by_category(received: QuerySet, figures: list[Figures]) -> None:
    """Each complaint once under each category: the investigation's allegations where it has
    recorded any (one query), the complainant's choice where not (one query)."""
    for f in figures:
        f.by_category = dict.fromkeys(AllegationCategory.values, 0)
    received_at = "case__submission__received_at"
    periods = [f.period for f in figures]
    recorded = (
        Allegation.objects.filter(_within(received_at, periods))
        .exclude(case__status=Case.Status.MERGED)
        .annotate(tag=_tag(received_at, periods))
        .values("tag", "category")
        .order_by()
        .annotate(n=Count("case", distinct=True))
    )
    for row in recorded:
        counts = figures[row["tag"]].by_category
        counts[row["category"]] = counts.get(row["category"], 0) + row["n"]
    chosen = received.exclude(Exists(Allegation.objects.filter(case=OuterRef("pk"))))
    # The categories are a JSON list of codes; a code in quotes matches that code only.
    aggregates = {
        code: Count("id", filter=Q(submission__categories__icontains=f'"{code}"'))
        for code in AllegationCategory.values
    }
    aggregates["none_chosen"] = Count("id", filter=Q(submission__categories=[]))
    for row in chosen.values("tag").order_by().annotate(**aggregates):
        counts = figures[row["tag"]].by_category
        for code in AllegationCategory.values:
            counts[code] += row[code]
        counts[AllegationCategory.OTHER] += row["none_chosen"]


def _by_unit(received: QuerySet, periods: list[Period], figures: list[Figures]) -> None:
    """Complaints per unit of the roster employees they name (a complaint naming officers of
    two units counts in both), and those naming nobody the roster knows."""
    received_at = "submission__received_at"
    named = (
        InvolvedEmployee.objects.filter(
            _within(received_at, periods),
            employee__isnull=False,
            submission__case__isnull=False,
        )
        .exclude(submission__case__status=Case.Status.MERGED)
        .annotate(tag=_tag(received_at, periods))
    )
    for row in (
        named.values("tag", "employee__unit__name")
        .order_by()
        .annotate(n=Count("submission", distinct=True))
    ):
        figures[row["tag"]].by_unit[row["employee__unit__name"]] = row["n"]
    nobody = received.exclude(
        Exists(
            InvolvedEmployee.objects.filter(
                submission=OuterRef("submission"), employee__isnull=False
            )
        )
    )
    for f in figures:
        f.by_unit[""] = 0
    for row in nobody.values("tag").order_by().annotate(n=Count("id")):
        figures[row["tag"]].by_unit[""] = row["n"]


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
