"""Who sees early-intervention flags and employee histories, and who works the flags.

- The BPS commander and the auditor see the flag list, each flag and an employee's history;
  only the commander changes a flag's state.
- A confidential case counts toward a flag like any other, but what it is about shows only to
  those who may see the case (cases/permissions.py: its queue's members and the auditor);
  everyone else sees that there is a confidential case and nothing more.
- Anything a person may not see answers 404.
"""

import logging

from django.http import Http404

from staff import roles
from staff.roles import user_roles

logger = logging.getLogger("candor.access")

VIEW_ROLES = {roles.BPS_COMMANDER, roles.AUDITOR}
CHANGE_ROLES = {roles.BPS_COMMANDER}


def may_see_flags(user) -> bool:
    return bool(user_roles(user) & VIEW_ROLES)


def may_change_flags(user) -> bool:
    return bool(user_roles(user) & CHANGE_ROLES)


def require_flags(user, *, change: bool = False) -> None:
    if not (may_change_flags(user) if change else may_see_flags(user)):
        logger.warning("refused early intervention%s to user %s", " change" * change, user.pk)
        raise Http404
