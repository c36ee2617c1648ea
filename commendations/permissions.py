"""Who sees the Chief's office's work: the members of the queue that holds a commendation.
Anything else answers 404. (Case work's rules are in cases/permissions.py.)"""

from django.db.models import QuerySet

from .models import Commendation


def commendations_visible_to(user) -> QuerySet[Commendation]:
    """Every commendation the user may see, and no other."""
    return Commendation.objects.filter(queue__members=user)
