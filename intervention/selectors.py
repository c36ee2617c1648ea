"""Reading for early intervention: who meets a threshold now (for the beat task), the flag
list, one flag, and an employee's history. Counts are aggregate queries; the lists a page
shows are read in a fixed number of queries.

What counts against an employee: a complaint naming them (a roster match, automatic or
confirmed), received in the window, unless it was merged into another as its duplicate or
referred to another agency (it was not about this department). Confidential cases count."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from cases.models import Allegation, Case
from cases.permissions import cases_visible_to
from commendations.models import Commendation
from directory.models import Employee
from intake.models import InvolvedEmployee
from ops.calendar import months_before

from .models import Flag, InterventionRule

NOT_COUNTED = [Case.Status.MERGED, Case.Status.REFERRED]


def counted_cases(*, since: date) -> QuerySet[Case]:
    first = datetime.combine(since, time.min, tzinfo=timezone.get_current_timezone())
    return Case.objects.filter(submission__received_at__gte=first).exclude(status__in=NOT_COUNTED)


@dataclass
class Candidate:
    """An employee who meets a threshold, with what was counted (case id and day received,
    once per complaint or per allegation), oldest first."""

    employee_id: int
    counted: list[tuple[int, date]] = field(default_factory=list)
    unit_average: float | None = None


def candidates_for(*, rule: InterventionRule, today: date) -> list[Candidate]:
    """The employees who meet the rule over the months up to today."""
    since = months_before(today, rule.months)
    cases = counted_cases(since=since)
    named = InvolvedEmployee.objects.filter(employee__isnull=False, submission__case__in=cases)
    if rule.kind == InterventionRule.Kind.CATEGORY:
        return _category_candidates(rule, cases, named)
    per_employee = {
        row["employee_id"]: row["n"]
        for row in named.values("employee_id")
        .order_by()
        .annotate(n=Count("submission", distinct=True))
    }
    averages: dict[int, float] = {}
    if rule.kind == InterventionRule.Kind.PEER:
        averages = _unit_averages(per_employee)
        factor = float(rule.peer_factor or Decimal(1))
        chosen = [
            e
            for e, n in per_employee.items()
            if n >= rule.threshold and n >= factor * averages.get(e, 0.0)
        ]
    else:
        chosen = [e for e, n in per_employee.items() if n >= rule.threshold]
    rows = (
        named.filter(employee_id__in=chosen)
        .values_list("employee_id", "submission__case__id", "submission__received_at")
        .distinct()
    )
    return _grouped(rows, averages)


def _category_candidates(rule, cases, named) -> list[Candidate]:
    """Allegations of the rule's category recorded against the employee, and, for complaints
    whose investigation has recorded none yet, the category the complainant chose."""
    recorded = Allegation.objects.filter(
        case__in=cases, category=rule.category, involved__employee__isnull=False
    )
    chosen = named.filter(submission__categories__icontains=f'"{rule.category}"').exclude(
        Exists(Allegation.objects.filter(case__submission=OuterRef("submission")))
    )
    counts: dict[int, int] = {}
    for row in recorded.values("involved__employee_id").order_by().annotate(n=Count("id")):
        counts[row["involved__employee_id"]] = row["n"]
    for row in (
        chosen.values("employee_id").order_by().annotate(n=Count("submission", distinct=True))
    ):
        counts[row["employee_id"]] = counts.get(row["employee_id"], 0) + row["n"]
    over = [e for e, n in counts.items() if n >= rule.threshold]
    rows = list(
        recorded.filter(involved__employee_id__in=over).values_list(
            "involved__employee_id", "case_id", "case__submission__received_at"
        )
    )
    rows += list(
        chosen.filter(employee_id__in=over)
        .values_list("employee_id", "submission__case__id", "submission__received_at")
        .distinct()
    )
    return _grouped(rows, {})


def _grouped(rows, averages: dict[int, float]) -> list[Candidate]:
    found: dict[int, Candidate] = {}
    for employee_id, case_id, received in rows:
        candidate = found.setdefault(
            employee_id, Candidate(employee_id, unit_average=averages.get(employee_id))
        )
        candidate.counted.append((case_id, timezone.localdate(received)))
    for candidate in found.values():
        candidate.counted.sort(key=lambda item: (item[1], item[0]))
    return sorted(found.values(), key=lambda c: c.employee_id)


def _unit_averages(per_employee: dict[int, int]) -> dict[int, float]:
    """For each employee counted, the average count of the active employees of their unit
    (those with no complaint count as 0)."""
    units = dict(Employee.objects.filter(pk__in=per_employee).values_list("pk", "unit_id"))
    sizes = dict(
        Employee.objects.filter(active=True, unit_id__in=set(units.values()))
        .values("unit_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    totals: dict[int, int] = {}
    for employee_id, n in per_employee.items():
        totals[units[employee_id]] = totals.get(units[employee_id], 0) + n
    return {e: totals[unit] / max(sizes.get(unit, 0), 1) for e, unit in units.items()}


# --- Pages -----------------------------------------------------------------------------------


def flag_list(*, state: str = "") -> QuerySet[Flag]:
    flags = Flag.objects.select_related("employee__unit", "rule")
    if state == "open":
        return flags.filter(state__in=Flag.OPEN_STATES)
    if state:
        return flags.filter(state=state)
    return flags


def flag_state_counts() -> dict[str, int]:
    return dict(
        Flag.objects.values("state").order_by().annotate(n=Count("id")).values_list("state", "n")
    )


@dataclass
class CaseLine:
    """A complaint as the history shows it: in full if the person may see the case, otherwise
    only that a confidential case exists."""

    case: Case | None
    allegations: list[Allegation] = field(default_factory=list)


@dataclass
class History:
    employee: Employee
    complaints: list[CaseLine]
    restricted: int  # complaints naming the employee whose details the person may not see
    commendations: list[Commendation]
    flags: list[Flag]
    last_year: int  # complaints in the last 12 months
    unit_average: float  # the same, averaged over the active employees of the unit


def visible_case_lines(
    *, user, cases: QuerySet[Case], employee: Employee
) -> tuple[list[CaseLine], int]:
    """The cases the person may see, with the employee's allegations, and how many others."""
    everything = cases.count()
    visible = list(
        cases_visible_to(user)
        .filter(pk__in=cases.values("pk"))
        .select_related("submission", "queue")
        .prefetch_related(
            Prefetch(
                "allegations",
                queryset=Allegation.objects.filter(involved__employee=employee),
                to_attr="employee_allegations",
            )
        )
        .order_by("-submission__received_at", "-id")
    )
    lines = [CaseLine(case, case.employee_allegations) for case in visible]
    return lines, everything - len(visible)


def employee_history(*, user, employee: Employee, today: date | None = None) -> History:
    """Complaints naming the employee (with their allegations and findings), commendations,
    flags, and the last twelve months beside the unit's average."""
    today = today or timezone.localdate()
    named = Case.objects.filter(
        Exists(
            InvolvedEmployee.objects.filter(submission=OuterRef("submission"), employee=employee)
        )
    )
    lines, restricted = visible_case_lines(user=user, cases=named, employee=employee)
    since = months_before(today, 12)
    recent = (
        InvolvedEmployee.objects.filter(
            employee__unit_id=employee.unit_id, submission__case__in=counted_cases(since=since)
        )
        .values("employee_id")
        .order_by()
        .annotate(n=Count("submission", distinct=True))
    )
    counts = {row["employee_id"]: row["n"] for row in recent}
    size = Employee.objects.filter(unit_id=employee.unit_id, active=True).count()
    return History(
        employee=employee,
        complaints=lines,
        restricted=restricted,
        commendations=list(
            Commendation.objects.filter(employee=employee)
            .select_related("submission")
            .order_by("-submission__received_at")
        ),
        flags=list(employee.flags.select_related("rule").order_by("-raised_at")),
        last_year=counts.get(employee.pk, 0),
        unit_average=sum(counts.values()) / max(size, 1),
    )
