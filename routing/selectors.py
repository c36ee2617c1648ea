"""Reading routing's records for staff pages."""

from django.db.models import Q, QuerySet

from .models import PaperLetter


def letters_for(user) -> QuerySet[PaperLetter]:
    """Paper letters of the submissions whose case or commendation sits in one of the user's
    queues (a confidential case's letters stay with that queue's members)."""
    return (
        PaperLetter.objects.filter(
            Q(submission__case__queue__members=user)
            | Q(submission__commendation__queue__members=user)
        )
        .select_related("notice", "submission")
        .distinct()
        .order_by("state", "created_at", "id")
    )
