"""Who reads the reports: the BPS commander, the auditor and the Chief's office. The figures
are counts over every queue, confidential ones included, but never show a case, a complainant
or an employee, so no queue membership is asked. The public transparency page needs no
sign-in and shows only suppressed figures (reports/suppression.py)."""

import logging

from django.http import Http404

from staff import roles
from staff.roles import user_roles

logger = logging.getLogger("candor.access")

REPORT_ROLES = {roles.BPS_COMMANDER, roles.AUDITOR, roles.CHIEFS_OFFICE}


def may_read_reports(user) -> bool:
    return bool(user_roles(user) & REPORT_ROLES)


def require_reports(user) -> None:
    """404 for anyone else, as for any staff page a person may not see."""
    if not may_read_reports(user):
        logger.warning("refused reports to user %s", user.pk)
        raise Http404
