"""Who sees the retention page and who places and lifts legal holds: the BPS commander does
both; the auditor reads. The schedule itself is set in the admin."""

import logging

from django.http import Http404

from staff import roles
from staff.roles import user_roles

logger = logging.getLogger("candor.access")

VIEW_ROLES = {roles.BPS_COMMANDER, roles.AUDITOR}
HOLD_ROLES = {roles.BPS_COMMANDER}


def may_see_retention(user) -> bool:
    return bool(user_roles(user) & VIEW_ROLES)


def may_hold(user) -> bool:
    return bool(user_roles(user) & HOLD_ROLES)


def require_retention(user, *, hold: bool = False) -> None:
    if not (may_hold(user) if hold else may_see_retention(user)):
        logger.warning("refused retention%s to user %s", " hold" * hold, user.pk)
        raise Http404
