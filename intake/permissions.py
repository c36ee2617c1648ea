"""Who may do what on intake's staff pages. The rules for case work are in
cases/permissions.py; the Chief's office's in commendations/permissions.py."""

from staff import roles
from staff.roles import user_roles

QUARANTINE_JUDGES = {roles.INTAKE_COORDINATOR, roles.BPS_COMMANDER}


def may_judge_quarantine(user) -> bool:
    """Intake coordinators and BPS commanders release or discard held submissions."""
    return bool(user_roles(user) & QUARANTINE_JUDGES)
