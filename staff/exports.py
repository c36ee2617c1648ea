"""CSV downloads of staff lists (the case list, the audit trail): one way to write them, so
every export streams, opens cleanly in a spreadsheet and cannot carry a formula."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse


class _Echo:
    """csv.writer wants a file; this one hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a quote in front."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream `rows` under `header` as a CSV download named `filename`. Rows are written as
    they are read, so a long export holds neither the list nor the file in memory."""
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
