"""The audit trail as CSV rows, the same for one case's trail and for a search across all."""

import json
from collections.abc import Iterable, Iterator

from .models import AuditEvent

AUDIT_CSV_HEADER = ["at", "action", "actor", "ip_address", "detail", "tracking_number"]


def audit_csv_rows(events: Iterable[AuditEvent]) -> Iterator[list[str]]:
    """One row per event; the detail column is JSON, so that a program can read it back.
    Events need their actor and submission loaded (select_related)."""
    for event in events:
        yield [
            event.at.isoformat(),
            event.action,
            event.actor.get_username() if event.actor else "",
            event.ip_address or "",
            json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            event.submission.tracking_number,
        ]
