"""Who sees the Chief's office's work: the members of the queue that holds a commendation.
Anything else answers 404. (Case work's rules are in cases/permissions.py.)"""

from django.db.models import QuerySet

from staff.models import Queue
from staff.roles import user_queue_kinds

from .models import Commendation


def may_work_commendations(user) -> bool:
    """The members of a Chief's office queue work its commendations."""
    return Queue.Kind.CHIEF in user_queue_kinds(user)


def commendations_visible_to(user) -> QuerySet[Commendation]:
    """Every commendation the user may see, and no other."""
    return Commendation.objects.filter(queue__members=user)
