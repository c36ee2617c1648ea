"""Reading commendations for the Chief's office. Who may see which is decided in
commendations/permissions.py."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from directory.models import Employee
from notices.models import Notice

from .models import Commendation
from .permissions import commendations_visible_to

NOTICE_KINDS = [
    Notice.Kind.COMMENDATION_EMPLOYEE,
    Notice.Kind.COMMENDATION_SUPERVISOR,
    Notice.Kind.COMMENDATION_DELIVERED,
]


def commendations_for(user) -> QuerySet[Commendation]:
    """The commendations in the queues the user is a member of, newest first, with what a
    list shows (employee, unit, the commendation notices) fetched in a constant number of
    queries."""
    return (
        commendations_visible_to(user)
        .select_related("submission", "employee", "employee__unit", "queue")
        .prefetch_related(
            Prefetch(
                "submission__notices",
                queryset=Notice.objects.filter(kind__in=NOTICE_KINDS).order_by("created_at", "id"),
                to_attr="commendation_notices",
            )
        )
        .order_by("-created_at", "-id")
    )


def commendation_candidates(commendation: Commendation) -> list[Employee]:
    """The roster candidates the routing task recorded for the named employee, best first,
    that are still active."""
    involved = commendation.submission.employees.order_by("id").first()
    if involved is None:
        return []
    ids = [c["employee_id"] for c in involved.match_candidates if "employee_id" in c]
    by_id = Employee.objects.filter(pk__in=ids, active=True).select_related("unit").in_bulk()
    return [by_id[pk] for pk in ids if pk in by_id]


def commendation_notices(commendation: Commendation) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(submission=commendation.submission, kind__in=NOTICE_KINDS)
        .select_related("paper_letter")
        .order_by("created_at", "id")
    )


def chiefs_office_work(*, user) -> dict[str, QuerySet[Commendation]]:
    """The Chief's office's day: commendations whose employee is still to be confirmed, and
    those whose employee has not yet acknowledged the commendation, oldest first."""
    commendations = commendations_for(user).order_by("created_at", "id")
    employee_notices = Notice.objects.filter(
        submission=OuterRef("submission"), kind=Notice.Kind.COMMENDATION_EMPLOYEE
    )
    return {
        "to_confirm": commendations.filter(employee__isnull=True),
        "unacknowledged": commendations.filter(employee__isnull=False)
        .filter(Exists(employee_notices))
        .exclude(Exists(employee_notices.filter(acknowledged_at__isnull=False))),
    }
