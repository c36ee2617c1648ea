"""Who sees the paper letters to post: the members of the queue holding the letter's case or
commendation, so a confidential case's letters stay with that queue's members."""

from django.db.models import Q, QuerySet

from staff.roles import user_queue_kinds

from .models import PaperLetter


def may_post_letters(user) -> bool:
    """Letters concern the members of the queues that hold cases and commendations (which
    letters each sees: letters_visible_to)."""
    return bool(user_queue_kinds(user))


def letters_visible_to(user) -> QuerySet[PaperLetter]:
    """Every paper letter the user may see, and no other."""
    return PaperLetter.objects.filter(
        Q(submission__case__queue__members=user) | Q(submission__commendation__queue__members=user)
    ).distinct()
