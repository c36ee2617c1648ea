from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from routing.models import Queue

from .models import Case


def queues_for(user) -> QuerySet[Queue]:
    """The queues a staff member works, with open counts."""
    open_cases = ~Q(
        cases__status__in=[Case.Status.CLOSED, Case.Status.MERGED, Case.Status.REFERRED]
    )
    return Queue.objects.filter(members=user).annotate(
        open_count=Count("cases", filter=open_cases, distinct=True),
        unassigned_count=Count(
            "cases", filter=open_cases & Q(cases__assignee__isnull=True), distinct=True
        ),
        overdue_count=Count(
            "cases", filter=open_cases & Q(cases__due_date__lt=timezone.localdate()), distinct=True
        ),
    )


def cases_in_queue(*, queue: Queue) -> QuerySet[Case]:
    return (
        Case.objects.filter(queue=queue)
        .select_related("submission", "assignee")
        .order_by("due_date", "id")
    )
