"""Who may search the audit trail across every case and commendation: the auditor, who reads
everything and changes nothing. (The commander reads one case's trail on its page; that rule
is in cases/permissions.py.)"""

import logging

from django.http import Http404

from staff import roles
from staff.roles import user_roles

logger = logging.getLogger("candor.access")


def may_search_audit(user) -> bool:
    return roles.AUDITOR in user_roles(user)


def require_audit_search(user) -> None:
    """404 for anyone else, as for any staff page a person may not see."""
    if not may_search_audit(user):
        logger.warning("refused the audit search to user %s", user.pk)
        raise Http404
