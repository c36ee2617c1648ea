"""Staff roles, as Django groups. What each may do is decided by the permissions.py of the room
the work is in (cases/permissions.py for case work)."""

from django.utils.translation import gettext_lazy as _

from .models import Queue

INTAKE_COORDINATOR = "Intake coordinator"
INVESTIGATOR = "Investigator"
BPS_COMMANDER = "BPS commander"
CHIEFS_OFFICE = "Chief's office"
AUDITOR = "Auditor"
ADMINISTRATOR = "Administrator"

ROLES = {
    INTAKE_COORDINATOR: _("Triages every BPS queue and assigns cases."),
    INVESTIGATOR: _("Works the cases of the queues they belong to."),
    BPS_COMMANDER: _("Everything in BPS; approves findings and extends deadlines."),
    CHIEFS_OFFICE: _("Receives commendations and closes their loop."),
    AUDITOR: _("Reads everything, changes nothing."),
    ADMINISTRATOR: _("Roster, queues, rules and users; no case content."),
}


def staff_name(user) -> str:
    """A staff member as staff pages name them: their full name, or their username when they
    have none."""
    return user.get_full_name() or user.get_username()


def user_roles(user) -> set[str]:
    """The user's role names, read once per request."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_candor_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._candor_roles = cached
    return cached


def user_queue_kinds(user) -> set[str]:
    """The kinds of queue (Queue.Kind) the user is a member of, read once per request: the
    staff menu asks it whether letters or commendations concern them."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_candor_queue_kinds", None)
    if cached is None:
        cached = set(Queue.objects.filter(members=user).values_list("kind", flat=True))
        user._candor_queue_kinds = cached
    return cached
