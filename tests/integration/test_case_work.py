"""Case work against the real services: two people changing one case at the same moment on
PostgreSQL, and the reminder task run by a live worker on Redis sending real emails."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cases import workflow
from cases.models import Case
from cases.services import due_reminders_queue
from cases.tasks import due_reminders
from ops.models import CapturedEmail
from ops.refusals import Refused
from staff import roles
from tests.cases.conftest import routed_complaint
from tests.staff import staff_member

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]


def test_two_people_assigning_one_case_at_once_cannot_both_win(postgres_test_url):
    first = staff_member(roles.INTAKE_COORDINATOR, "use-of-force")
    second = staff_member(roles.BPS_COMMANDER, "use-of-force")
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def assign(person):
        try:
            start.wait()
            workflow.case_assign(case=case, version=1, actor=person, assignee=person)
            outcomes[person.username] = "saved"
        except Refused as refused:
            outcomes[person.username] = "refused" if refused.conflict else str(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    case.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert case.assignee.username == winner
    assert case.version == 2
    assert case.audit.filter(action="case.assign").count() == 1


def test_the_reminder_task_on_a_live_worker_emails_the_assignee_once(live_worker):
    investigator = staff_member(roles.INVESTIGATOR, "use-of-force")
    commander = staff_member(roles.BPS_COMMANDER, "use-of-force")
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    case = workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() + timedelta(days=2))

    due_reminders.delay()
    reminders = CapturedEmail.objects.filter(to=[investigator.email], subject__contains="is due")
    reminder = wait_for(lambda: reminders.first(), what="the due-date reminder")
    assert case.submission.tracking_number in reminder.subject
    assert f"/staff/cases/{case.pk}/" in reminder.body_text
    # Once the worker has reminded, another run (the next hour's beat) reminds no one again.
    assert due_reminders_queue() == {"reminders": 0, "overdue_alerts": 0}
    assert reminders.count() == 1
