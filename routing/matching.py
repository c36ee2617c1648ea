"""Who is the employee the submitter named: the roster match."""

from directory.models import Employee
from intake.models import InvolvedEmployee


def involved_match(involved: InvolvedEmployee) -> InvolvedEmployee:
    """Link a named employee to the roster when the badge/DSN number is an exact match."""
    if involved.match_state != InvolvedEmployee.MatchState.UNMATCHED:
        return involved  # already decided, by an earlier run or by staff
    badge = involved.badge.strip().lstrip("#").upper()
    employee = Employee.objects.filter(dsn__iexact=badge).first() if badge else None
    if employee is not None:
        involved.employee = employee
        involved.match_state = InvolvedEmployee.MatchState.MATCHED
        involved.match_confidence = 1.0
    else:
        involved.match_state = InvolvedEmployee.MatchState.NOT_FOUND
        involved.match_confidence = 0.0
    involved.save(update_fields=["employee", "match_state", "match_confidence"])
    return involved
