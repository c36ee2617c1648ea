"""Charts drawn on the server as SVG: no script, printable, and each shown beside the table it
draws, which is what a screen reader reads (the chart itself is labelled as an image of it).
Colours are set as SVG attributes, which the content security policy allows, and each has at
least 3:1 contrast with the white background."""

from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import Table

SERIES = ["#1d4f91", "#6b6b6b"]  # the period, the year before
SEGMENTS = ["#1d4f91", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00695c", "#4e342e"]
HIDDEN = "#767676"  # what a public table does not show, drawn as one grey remainder
WIDTH = 360  # drawn at about this many CSS pixels, so the text reads at 13 px on a phone
FONT = 13


def chart(table: Table) -> SafeString:
    """The table's chart, or nothing for a table that is not drawn."""
    if table.withheld_whole or not table.rows:
        return mark_safe("")  # noqa: S308 - empty
    drawer = {"bars": _bars, "columns": _columns, "stacked": _stacked}.get(table.chart)
    return drawer(table) if drawer else mark_safe("")  # noqa: S308 - empty


def _svg(table: Table, height: int, body: list[str]) -> SafeString:
    label = _("Chart: %(title)s. The figures are in the table below it.") % {"title": table.title}
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" font-size="{FONT}" font-family="system-ui, sans-serif" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


def _legend(names: list[str], colours: list[str], y: int) -> tuple[list[str], int]:
    """Legend entries, wrapped to the chart's width; returns the parts and the next y."""
    parts, x = [], 0
    for name, colour in zip(names, colours, strict=False):
        width = 22 + int(len(name) * FONT * 0.55)
        if x and x + width > WIDTH:
            x, y = 0, y + 20
        parts.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 12}" fill="#1b1b1b">{escape(name)}</text>')
        x += width + 12
    return parts, y + 26


def _bars(table: Table) -> SafeString:
    """Horizontal bars: the row's label above its bars, one bar per column."""
    series = len(table.columns)
    colours = SERIES if series <= len(SERIES) else SEGMENTS
    body, y = _legend(table.columns, colours, 0) if series > 1 else ([], 0)
    biggest = max((cell.number for row in table.rows for cell in row.cells), default=0) or 1
    room = WIDTH - 90
    for row in table.rows:
        body.append(f'<text x="0" y="{y + 12}" fill="#1b1b1b">{escape(row.label)}</text>')
        y += 16
        for i, cell in enumerate(row.cells[:series]):
            width = round(room * cell.number / biggest, 1)
            colour = colours[i % len(colours)]
            body.append(f'<rect x="0" y="{y}" width="{width}" height="14" fill="{colour}"/>')
            body.append(
                f'<text x="{width + 4}" y="{y + 12}" fill="#1b1b1b">{escape(cell.text())}</text>'
            )
            y += 16
        y += 8
    return _svg(table, y, body)


def _columns(table: Table) -> SafeString:
    """Vertical bars, month by month, one per column side by side."""
    series = len(table.columns)
    body, top = _legend(table.columns, SERIES, 0) if series > 1 else ([], 0)
    chart_height, bottom_room, left = 160, 24, 40
    biggest = max((cell.number for row in table.rows for cell in row.cells), default=0) or 1
    slot = (WIDTH - left) / max(len(table.rows), 1)
    bar = max(min((slot - 4) / series, 18), 1)
    base = top + chart_height
    body.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#454545"/>')
    body.append(
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" fill="#1b1b1b">'
        f"{escape(number_format(biggest, 0))}</text>"
    )
    body.append(f'<text x="{left - 4}" y="{base}" text-anchor="end" fill="#1b1b1b">0</text>')
    every = max(1, round(len(table.rows) / 12))
    for n, row in enumerate(table.rows):
        x0 = left + n * slot + 2
        for i, cell in enumerate(row.cells[:series]):
            height = round(chart_height * cell.number / biggest, 1)
            body.append(
                f'<rect x="{round(x0 + i * bar, 1)}" y="{round(base - height, 1)}" '
                f'width="{round(bar - 1, 1)}" height="{height}" fill="{SERIES[i % 2]}"/>'
            )
        if n % every == 0:
            year, month = (int(p) for p in row.key.split("-"))
            short = date_format(date(year, month, 1), "M" if len(table.rows) <= 12 else "M y")
            body.append(
                f'<text x="{round(x0 + slot / 2 - 2, 1)}" y="{base + 16}" text-anchor="middle" '
                f'fill="#1b1b1b">{escape(short)}</text>'
            )
    return _svg(table, base + bottom_room, body)


def _stacked(table: Table) -> SafeString:
    """One bar per row, split by column (findings), with a legend; the total columns at the
    end of the table are not drawn. Where a public table hides counts but shows the row's
    total, the hidden part is drawn as one grey remainder, so the bar keeps its length."""
    parts = len(SEGMENTS)
    rows = []
    for row in table.rows:
        shown = [c.number for c in row.cells[:parts]]
        total = row.cells[parts] if len(row.cells) > parts else None
        whole = total.number if total is not None and not total.mark else sum(shown)
        rows.append((row, shown, max(whole - sum(shown), 0.0), whole))
    names, colours = list(table.columns[:parts]), list(SEGMENTS)
    if any(hidden for _row, _shown, hidden, _whole in rows):
        names.append(_("Not shown: small counts"))
        colours = colours[: len(names) - 1] + [HIDDEN]
    body, y = _legend(names, colours, 0)
    biggest = max((whole for *_rest, whole in rows), default=0) or 1
    room = WIDTH - 90
    for row, shown, hidden, _whole in rows:
        body.append(f'<text x="0" y="{y + 12}" fill="#1b1b1b">{escape(row.label)}</text>')
        y += 16
        x = 0.0
        for colour, value in [*zip(SEGMENTS, shown, strict=False), (HIDDEN, hidden)]:
            width = room * value / biggest
            if width > 0:
                body.append(
                    f'<rect x="{round(x, 1)}" y="{y}" width="{round(width, 1)}" height="14" '
                    f'fill="{colour}" stroke="#fff" stroke-width="1"/>'
                )
            x += width
        label = row.cells[parts].text() if len(row.cells) > parts else number_format(sum(shown))
        body.append(
            f'<text x="{round(x + 4, 1)}" y="{y + 12}" fill="#1b1b1b">{escape(label)}</text>'
        )
        y += 24
    return _svg(table, y, body)
