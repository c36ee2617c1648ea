"""Who sees the paper letters to post: the members of the queue holding the letter's case or
commendation, so a confidential case's letters stay with that queue's members."""

from django.db.models import Q, QuerySet

from staff import roles
from staff.roles import user_roles

from .models import PaperLetter

# The roles whose queues' letters may need posting; which letters each sees is decided by
# queue membership (letters_visible_to).
LETTER_ROLES = {
    roles.INTAKE_COORDINATOR,
    roles.INVESTIGATOR,
    roles.BPS_COMMANDER,
    roles.CHIEFS_OFFICE,
}


def may_post_letters(user) -> bool:
    return bool(user_roles(user) & LETTER_ROLES)


def letters_visible_to(user) -> QuerySet[PaperLetter]:
    """Every paper letter the user may see, and no other."""
    return PaperLetter.objects.filter(
        Q(submission__case__queue__members=user) | Q(submission__commendation__queue__members=user)
    ).distinct()
