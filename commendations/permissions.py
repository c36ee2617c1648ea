"""Who sees the Chief's office's work: the members of the queue that holds a commendation.
Anything else answers 404. (Case work's rules are in cases/permissions.py.)"""

from django.db.models import QuerySet

from staff import roles
from staff.roles import user_roles

from .models import Commendation


def may_work_commendations(user) -> bool:
    """The Chief's office works the commendations; which ones each member sees is decided by
    queue membership (commendations_visible_to)."""
    return roles.CHIEFS_OFFICE in user_roles(user)


def commendations_visible_to(user) -> QuerySet[Commendation]:
    """Every commendation the user may see, and no other."""
    return Commendation.objects.filter(queue__members=user)
