"""Due-date reminders to the assignee and overdue alerts to the commander: once per occasion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import workflow
from cases.models import Case
from cases.services import due_reminders_queue
from cases.tasks import due_reminders
from notices.models import Notice

from .conftest import routed_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned_case(investigator, commander):
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    return workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )


def test_the_assignee_is_reminded_once_before_the_case_falls_due(assigned_case, investigator):
    today = timezone.localdate()
    Case.objects.filter(pk=assigned_case.pk).update(due_date=today + timedelta(days=3))
    assert due_reminders_queue(today=today) == {"reminders": 1, "overdue_alerts": 0}
    assert due_reminders_queue(today=today) == {"reminders": 0, "overdue_alerts": 0}
    reminder = Notice.objects.get(kind=Notice.Kind.DUE_REMINDER)
    assert reminder.recipient_email == investigator.email


def test_the_commander_is_alerted_once_when_a_case_is_overdue(assigned_case, commander):
    today = timezone.localdate()
    Case.objects.filter(pk=assigned_case.pk).update(due_date=today - timedelta(days=1))
    assert due_reminders()["overdue_alerts"] == 1
    assert due_reminders()["overdue_alerts"] == 0
    alert = Notice.objects.get(kind=Notice.Kind.OVERDUE_ALERT)
    assert alert.recipient_email == commander.email


def test_an_extended_due_date_is_a_new_occasion(assigned_case, commander):
    today = timezone.localdate()
    Case.objects.filter(pk=assigned_case.pk).update(due_date=today + timedelta(days=2))
    due_reminders_queue(today=today)
    assigned_case.refresh_from_db()
    workflow.case_due_extend(
        case=assigned_case,
        version=assigned_case.version,
        actor=commander,
        new_due=today + timedelta(days=5),
        reason="Witness on leave.",
    )
    assert due_reminders_queue(today=today)["reminders"] == 1
    assert Notice.objects.filter(kind=Notice.Kind.DUE_REMINDER).count() == 2


def test_a_closed_case_gets_no_reminder(assigned_case):
    today = timezone.localdate()
    Case.objects.filter(pk=assigned_case.pk).update(
        due_date=today - timedelta(days=1), status=Case.Status.CLOSED
    )
    assert due_reminders_queue(today=today) == {"reminders": 0, "overdue_alerts": 0}
