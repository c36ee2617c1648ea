"""Keeping the roster true to HR's export."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Employee, Unit

REQUIRED_COLUMNS = {"dsn", "first_name", "last_name", "unit_code"}


@dataclass
class RosterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def roster_import(*, path: Path, deactivate_missing: bool = True) -> RosterReport:
    """Bring the roster in line with an HR export (CSV). Idempotent: a second run of the same
    file changes nothing. Changed rows are updated; people missing from the file are
    deactivated, never deleted, since cases point at them. A bad row is reported with its line
    number and reason, and the good rows are still imported."""
    report = RosterReport()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
        if missing:
            report.errors.append((1, f"missing columns: {', '.join(sorted(missing))}"))
            return report
        rows = [
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
        ]

    with transaction.atomic():
        seen: dict[str, int] = {}
        # A person whose row is wrong this time is still on HR's list: never deactivate them.
        kept: set[str] = set()
        supervisors: list[tuple[int, str, str]] = []
        for line, row in rows:
            error = _row_error(row, seen)
            if error:
                report.errors.append((line, error))
                if row.get("dsn"):
                    kept.add(row["dsn"])
                continue
            seen[row["dsn"]] = line
            unit, _ = Unit.objects.get_or_create(
                code=row["unit_code"], defaults={"name": row.get("unit_name") or row["unit_code"]}
            )
            if row.get("unit_name") and unit.name != row["unit_name"]:
                unit.name = row["unit_name"]
                unit.save(update_fields=["name"])
            values = {
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "rank": row.get("rank", ""),
                "unit": unit,
                "email": row.get("email", "").lower(),
                "car_number": row.get("car_number", ""),
                "active": True,
            }
            employee = Employee.objects.filter(dsn=row["dsn"]).first()
            if employee is None:
                Employee.objects.create(dsn=row["dsn"], **values)
                report.created += 1
            elif any(getattr(employee, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(employee, k, v)
                employee.save()
                report.updated += 1
            else:
                report.unchanged += 1
            supervisors.append((line, row["dsn"], row.get("supervisor_dsn", "")))

        _link_supervisors(supervisors, report)
        if deactivate_missing and seen:
            report.deactivated = (
                Employee.objects.filter(active=True)
                .exclude(dsn__in=set(seen) | kept)
                .update(active=False)
            )
    return report


def _row_error(row: dict, seen: dict[str, int]) -> str:
    for column in ("dsn", "first_name", "last_name", "unit_code"):
        if not row.get(column):
            return f"{column} is empty"
    if len(row["dsn"]) > 20:
        return "dsn is longer than 20 characters"
    if row["dsn"] in seen:
        return f"dsn {row['dsn']} appears again (first on line {seen[row['dsn']]})"
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError:
            return f"email {row['email']!r} is not a valid address"
    return ""


def _link_supervisors(supervisors: list[tuple[int, str, str]], report: RosterReport) -> None:
    by_dsn = {
        e.dsn: e
        for e in Employee.objects.filter(
            dsn__in=[s[1] for s in supervisors] + [s[2] for s in supervisors]
        )
    }
    for line, dsn, supervisor_dsn in supervisors:
        employee = by_dsn[dsn]
        supervisor = by_dsn.get(supervisor_dsn) if supervisor_dsn else None
        if supervisor_dsn and supervisor is None:
            report.errors.append((line, f"supervisor {supervisor_dsn} is not in the roster"))
        elif supervisor_dsn == dsn:
            report.errors.append((line, "an employee cannot be their own supervisor"))
            supervisor = None
        elif supervisor is not None and _reports_to(supervisor, employee, by_dsn):
            report.errors.append(
                (line, f"supervisor {supervisor_dsn} reports to {dsn}: the chain would loop")
            )
            supervisor = None
        if employee.supervisor_id != (supervisor.pk if supervisor else None):
            employee.supervisor = supervisor
            employee.save(update_fields=["supervisor", "updated_at"])


def _reports_to(person: Employee, boss: Employee, by_dsn: dict[str, Employee]) -> bool:
    """Whether `boss` is already above `person` in the chain (as linked so far)."""
    seen = set()
    current = person.supervisor
    while current is not None and current.pk not in seen:
        if current.pk == boss.pk:
            return True
        seen.add(current.pk)
        current = by_dsn.get(current.dsn, current).supervisor
    return False
