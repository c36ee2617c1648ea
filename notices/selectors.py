"""Reading notices' records for staff pages."""

from django.db.models import QuerySet

from .models import PaperLetter
from .permissions import letters_visible_to


def letters_for(user) -> QuerySet[PaperLetter]:
    """The paper letters the user may see, those still to post first."""
    return (
        letters_visible_to(user)
        .select_related("notice", "submission")
        .order_by("state", "created_at", "id")
    )


def letters_to_post(user) -> QuerySet[PaperLetter]:
    """The letters still to print and post, oldest first."""
    return letters_for(user).filter(state=PaperLetter.State.TO_PRINT)
