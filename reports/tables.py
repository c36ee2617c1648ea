"""The summary's tables, as the pages, the charts and the CSV files read them. Staff tables set
a period beside the same period a year before; public tables carry one year, suppressed, in a
language-neutral form (codes, not labels) so that one cached copy serves every language."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Finding
from intake.models import AllegationCategory, Submission

from .periods import Period
from .selectors import ENDINGS, Figures, periods_figures
from .suppression import Mark, suppress


@dataclass
class Cell:
    value: int | float | None
    mark: str = ""  # a suppression Mark's value
    kind: str = "count"  # count, days or share

    def text(self) -> str:
        """How the page shows it, in the current language."""
        if self.mark == Mark.SMALL:
            return _("fewer than 5")
        if self.mark == Mark.WITHHELD:
            return _("withheld (5 or more)")
        if self.value is None:
            return "—"
        if self.kind == "share":
            return f"{number_format(self.value * 100, 0)} %"
        if self.kind == "days":
            return number_format(self.value, 1)
        return number_format(self.value, 0, force_grouping=True)

    def csv(self) -> str:
        """Language-neutral: "<5" for 1 to 4, "5+" for a withheld count, "" for nothing."""
        if self.mark == Mark.SMALL:
            return "<5"
        if self.mark == Mark.WITHHELD:
            return "5+"
        if self.value is None:
            return ""
        if self.kind == "share":
            return f"{self.value:.3f}"
        return str(self.value)

    def json(self) -> dict:
        return {
            "count" if self.kind == "count" else self.kind: self.value,
            "suppressed": self.mark or None,
        }

    @property
    def number(self) -> float:
        """For drawing: a hidden count is drawn as nothing."""
        return float(self.value or 0) if not self.mark else 0.0


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Table:
    slug: str
    title: str
    row_heading: str
    columns: list[str]
    rows: list[Row]
    total: Row | None = None
    chart: str = "bars"  # bars (one bar per row and column), columns (months), stacked, or ""
    note: str = ""
    withheld_whole: bool = False

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([self.row_heading, *self.columns])
        for row in [*self.rows, *([self.total] if self.total else [])]:
            writer.writerow([_csv_safe(row.label), *(cell.csv() for cell in row.cells)])
        return out.getvalue()


def _csv_safe(text: str) -> str:
    # A unit or area name starting with = + - @ would run as a formula in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


# --- Labels -----------------------------------------------------------------------------------

ENDING_LABELS = {
    Case.Status.CLOSED: gettext_lazy("Investigated to findings"),
    Case.Status.MEDIATED: gettext_lazy("Resolved by mediation"),
    Case.Status.REFERRED: gettext_lazy("Referred to another agency"),
}


def month_label(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")


def unit_label(name: str) -> str:
    return name or _("No employee identified")


def area_label(name: str) -> str:
    return name or _("Place not given")


def commendation_unit_label(name: str) -> str:
    return name or _("Employee not yet identified")


LABELS = {
    "month": month_label,
    "category": lambda key: str(AllegationCategory(key).label),
    "channel": lambda key: str(Submission.Channel(key).label),
    "unit": unit_label,
    "area": area_label,
    "ending": lambda key: str(ENDING_LABELS[key]),
    "commendation_unit": commendation_unit_label,
}

# slug: (title, the rows' heading, dimension, the Figures attribute, totalled, chart)
ONE_WAY = {
    "received-by-month": (
        gettext_lazy("Complaints received by month"),
        gettext_lazy("Month"),
        "month",
        "by_month",
        True,
        "columns",
    ),
    "received-by-category": (
        gettext_lazy("Complaints by allegation category"),
        gettext_lazy("Allegation category"),
        "category",
        "by_category",
        False,  # a complaint can count in several categories
        "bars",
    ),
    "received-by-channel": (
        gettext_lazy("Complaints by how they were received"),
        gettext_lazy("Channel"),
        "channel",
        "by_channel",
        True,
        "bars",
    ),
    "received-by-unit": (
        gettext_lazy("Complaints by unit of the employees named"),
        gettext_lazy("Unit"),
        "unit",
        "by_unit",
        False,  # a complaint naming officers of two units counts in both
        "bars",
    ),
    "received-by-area": (
        gettext_lazy("Complaints by area (county or contract partner)"),
        gettext_lazy("Area"),
        "area",
        "by_area",
        True,
        "bars",
    ),
    "endings": (
        gettext_lazy("How complaints ended: findings, mediation, referral"),
        gettext_lazy("Ending"),
        "ending",
        "endings",
        True,
        "bars",
    ),
    "commendations-by-unit": (
        gettext_lazy("Commendations by unit"),
        gettext_lazy("Unit"),
        "commendation_unit",
        "commendations_by_unit",
        True,
        "bars",
    ),
}
TABLE_NOTES = {
    "received-by-category": gettext_lazy(
        "A complaint counts once under each category, so the rows add up to more than the "
        "complaints received."
    ),
    "received-by-unit": gettext_lazy(
        "A complaint counts once under the unit of each employee it names, so the rows can add "
        "up to more than the complaints received."
    ),
}
SLUGS = [*ONE_WAY, "findings", "time-to-close"]


def _ordered_keys(dimension: str, *counts: dict[str, int]) -> list[str]:
    keys = set().union(*(c.keys() for c in counts))
    if dimension in ("unit", "area", "commendation_unit"):
        # Named ones alphabetically, the unnamed bucket last.
        return sorted(k for k in keys if k) + ([""] if "" in keys else [])
    order = {
        "month": sorted(keys),
        "category": AllegationCategory.values,
        "channel": Submission.Channel.values,
        "ending": list(ENDINGS),
    }[dimension]
    return [k for k in order if k in keys]


# --- Staff: a period and the year before ------------------------------------------------------


def summary(*, period: Period) -> list[Table]:
    """The annual statistical summary: every table for the period beside the year before."""
    current, previous = periods_figures(periods=[period, period.year_before()])
    return staff_tables(current=current, previous=previous)


def staff_tables(*, current: Figures, previous: Figures) -> list[Table]:
    columns = [current.period.label, previous.period.label]
    tables = []
    for slug, (title, heading, dimension, attribute, totalled, chart) in ONE_WAY.items():
        now, before = getattr(current, attribute), getattr(previous, attribute)
        if dimension == "month":
            # Month by month beside the same month a year before.
            keys = sorted(now)
            earlier = sorted(before)
            rows = [
                Row(key, month_label(key), [Cell(now[key]), Cell(before.get(prior, 0))])
                for key, prior in zip(keys, earlier, strict=False)
            ]
        else:
            keys = _ordered_keys(dimension, now, before)
            label = LABELS[dimension]
            rows = [Row(k, label(k), [Cell(now.get(k, 0)), Cell(before.get(k, 0))]) for k in keys]
        total = (
            Row("total", _("Total"), [Cell(sum(now.values())), Cell(sum(before.values()))])
            if totalled
            else None
        )
        tables.append(
            Table(
                slug=slug,
                title=str(title),
                row_heading=str(heading),
                columns=columns,
                rows=rows,
                total=total,
                chart=chart,
                note=str(TABLE_NOTES.get(slug, "")),
            )
        )
    tables.insert(-1, _staff_findings(current, previous))
    tables.insert(-1, _staff_time_to_close(current, previous))
    return tables


def _staff_findings(current: Figures, previous: Figures) -> Table:
    findings = Finding.values
    rows = []
    for category in AllegationCategory.values:
        counts = current.findings.get(category, {})
        cells = [Cell(counts.get(f, 0)) for f in findings]
        cells.append(Cell(sum(counts.values())))
        cells.append(Cell(sum(previous.findings.get(category, {}).values())))
        rows.append(Row(category, str(AllegationCategory(category).label), cells))
    totals = [
        Cell(sum(current.findings.get(c, {}).get(f, 0) for c in current.findings)) for f in findings
    ]
    totals.append(Cell(sum(sum(v.values()) for v in current.findings.values())))
    totals.append(Cell(sum(sum(v.values()) for v in previous.findings.values())))
    return Table(
        slug="findings",
        title=_("Findings per allegation (cases closed in the period)"),
        row_heading=_("Allegation category"),
        columns=[
            *(str(Finding(f).label) for f in findings),
            _("Total"),
            _("Total, %(period)s") % {"period": previous.period.label},
        ],
        rows=rows,
        total=Row("total", _("Total"), totals),
        chart="stacked",
    )


def _staff_time_to_close(current: Figures, previous: Figures) -> Table:
    def figures(f: Figures) -> list[Cell]:
        return [
            Cell(f.ended),
            Cell(f.days_median, kind="days"),
            Cell(f.days_p90, kind="days"),
            Cell(f.within_due_share, kind="share"),
        ]

    now, before = figures(current), figures(previous)
    labels = [
        ("ended", _("Cases ended")),
        ("median", _("Days to close, median")),
        ("p90", _("Days to close, 90th percentile")),
        ("within_due", _("Closed within the due date")),
    ]
    return Table(
        slug="time-to-close",
        title=_("Time to close (cases ended in the period)"),
        row_heading=_("Measure"),
        columns=[current.period.label, previous.period.label],
        rows=[Row(key, label, [now[i], before[i]]) for i, (key, label) in enumerate(labels)],
        chart="",
    )


# --- Public: one year, suppressed, language-neutral -------------------------------------------


def public_tables(figures: Figures) -> dict:
    """The transparency page's tables for one period, with small counts suppressed, as JSON
    (codes rather than labels; see `public_table` for reading them in a language)."""
    tables = {}
    for slug, (_title, _heading, dimension, attribute, _totalled, _chart) in ONE_WAY.items():
        counts = getattr(figures, attribute)
        keys = _ordered_keys(dimension, counts)
        published = suppress([[counts.get(k, 0)] for k in keys], row_totals=False, col_totals=False)
        tables[slug] = {
            "rows": [[k, *_pair(published.cell(i, 0))] for i, k in enumerate(keys)],
            "total": list(_pair(published.grand_total())),
            "withheld_whole": published.withheld_whole,
        }
    categories, findings = AllegationCategory.values, Finding.values
    grid = [[figures.findings.get(c, {}).get(f, 0) for f in findings] for c in categories]
    published = suppress(grid, row_totals=True, col_totals=True)
    tables["findings"] = {
        "rows": [
            [
                c,
                [list(_pair(published.cell(r, j))) for j in range(len(findings))],
                list(_pair(published.row_total(r))),
            ]
            for r, c in enumerate(categories)
        ],
        "columns": findings,
        "total": [list(_pair(published.col_total(j))) for j in range(len(findings))],
        "grand": list(_pair(published.grand_total())),
        "withheld_whole": published.withheld_whole,
    }
    # Times are shown only over five or more cases, so that no one case's can be read off.
    enough = figures.ended > 4
    tables["time-to-close"] = {
        "ended": list(_pair(suppress([[figures.ended]]).grand_total())),
        "median": figures.days_median if enough else None,
        "p90": figures.days_p90 if enough else None,
        "within_due_share": figures.within_due_share if enough else None,
    }
    return tables


def _pair(published: tuple[int | None, Mark]) -> tuple[int | None, str]:
    value, mark = published
    return value, str(mark)


def public_table(slug: str, data: dict) -> Table:
    """One public table, labelled in the current language."""
    if slug == "findings":
        findings = data["columns"]
        rows = [
            Row(
                c,
                str(AllegationCategory(c).label),
                [*(Cell(*cell) for cell in cells), Cell(*total)],
            )
            for c, cells, total in data["rows"]
        ]
        return Table(
            slug=slug,
            title=_("Findings per allegation (cases closed in the year)"),
            row_heading=_("Allegation category"),
            columns=[*(str(Finding(f).label) for f in findings), _("Total")],
            rows=rows,
            total=Row(
                "total", _("Total"), [*(Cell(*c) for c in data["total"]), Cell(*data["grand"])]
            ),
            chart="stacked",
            withheld_whole=data["withheld_whole"],
        )
    if slug == "time-to-close":
        rows = [
            Row("ended", _("Cases ended"), [Cell(*data["ended"])]),
            Row("median", _("Days to close, median"), [Cell(data["median"], kind="days")]),
            Row("p90", _("Days to close, 90th percentile"), [Cell(data["p90"], kind="days")]),
            Row(
                "within_due",
                _("Closed within the due date"),
                [Cell(data["within_due_share"], kind="share")],
            ),
        ]
        return Table(
            slug=slug,
            title=_("Time to close (cases ended in the year)"),
            row_heading=_("Measure"),
            columns=[_("Value")],
            rows=rows,
            chart="",
            note=_("Times are shown when five or more cases ended."),
        )
    title, heading, dimension, _attribute, totalled, chart = ONE_WAY[slug]
    label = LABELS[dimension]
    rows = [Row(key, label(key), [Cell(value, mark)]) for key, value, mark in data["rows"]]
    return Table(
        slug=slug,
        title=str(title),
        row_heading=str(heading),
        columns=[_("Count")],
        rows=rows,
        total=Row("total", _("Total"), [Cell(*data["total"])]) if totalled else None,
        chart=chart,
        note=str(TABLE_NOTES.get(slug, "")),
        withheld_whole=data["withheld_whole"],
    )
