from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case
from commendations.models import Commendation
from intake.models import Submission
from notices.models import Notice
from notices.services import notice_send
from routing.models import RoutingRule
from routing.services import submission_route, sweep
from tests.factories import EmployeeFactory, complaint, member_of

pytestmark = pytest.mark.django_db


def send_all():
    for notice in Notice.objects.filter(state=Notice.State.QUEUED):
        notice_send(notice_id=notice.pk)


def test_complaint_without_a_matching_rule_goes_to_bps_general_by_the_catch_all():
    submission = complaint(submitter_email="resident@example.com").submission
    submission_route(submission_id=submission.pk)
    case = Case.objects.get(submission=submission)
    assert case.queue.slug == "bps-general"
    assert case.rule == RoutingRule.objects.get(is_catch_all=True)
    assert case.due_date == timezone.localdate(submission.received_at) + timedelta(
        days=case.rule.due_days
    )
    submission.refresh_from_db()
    assert submission.routing_state == Submission.RoutingState.DONE


def test_use_of_force_complaint_goes_to_the_use_of_force_queue():
    submission = complaint(categories=["use_of_force"]).submission
    submission_route(submission_id=submission.pk)
    assert submission.case.queue.slug == "use-of-force"
    assert submission.case.rule_name == "Use of force"


def test_criminal_misconduct_is_confidential_in_public_integrity():
    submission = complaint(categories=["criminal_misconduct"]).submission
    submission_route(submission_id=submission.pk)
    assert submission.case.queue.slug == "public-integrity"
    assert submission.case.confidential


def test_compliment_becomes_a_commendation_in_the_chiefs_office():
    from intake.services import SubmissionData, submission_create

    submission = submission_create(
        data=SubmissionData(kind="compliment", narrative="Kind and patient.")
    ).submission
    submission_route(submission_id=submission.pk)
    assert Commendation.objects.get(submission=submission).queue.slug == "chiefs-office"
    assert not Case.objects.exists()


def test_routing_twice_makes_one_case_and_one_of_each_email(run_on_commit):
    member_of("bps-general", username="ivy")
    submission = complaint(submitter_email="resident@example.com").submission
    submission_route(submission_id=submission.pk)
    Submission.objects.filter(pk=submission.pk).update(routing_state=Submission.RoutingState.QUEUED)
    submission_route(submission_id=submission.pk)  # redelivered after a crash before the ack
    send_all()
    send_all()
    assert Case.objects.count() == 1
    assert sorted(n.kind for n in Notice.objects.all()) == ["acknowledgement", "queue_alert"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ivy@bps.police.example",
        "resident@example.com",
    ]


def test_badge_number_links_the_named_employee():
    officer = EmployeeFactory(dsn="1234")
    submission = complaint(employees=[{"name": "Smith", "badge": "#1234"}]).submission
    submission_route(submission_id=submission.pk)
    involved = submission.employees.get()
    assert involved.employee == officer
    assert involved.match_state == "matched"


def test_acknowledgement_is_in_the_submitters_language_with_the_status_link():
    receipt = complaint(submitter_email="vecino@example.com", language="es")
    submission_route(submission_id=receipt.submission.pk)
    send_all()
    message = mail.outbox[0]
    assert receipt.submission.tracking_number in message.subject
    assert f"/status/{receipt.status_token}/" in message.body
    html = message.alternatives[0][0]
    assert f"/status/{receipt.status_token}/" in html


def test_sweep_dispatches_submissions_left_pending_and_notices_left_queued():
    submission = complaint().submission
    old = timezone.now() - timedelta(minutes=10)
    Submission.objects.filter(pk=submission.pk).update(received_at=old)
    assert sweep() == {"submissions": 1, "notices": 0, "unknown": 0}
    submission.refresh_from_db()
    assert submission.routing_state == Submission.RoutingState.QUEUED
    assert sweep() == {
        "submissions": 0,
        "notices": 0,
        "unknown": 0,
    }  # just dispatched: not again yet


def test_sweep_leaves_recent_work_to_the_normal_path():
    complaint()
    assert sweep() == {"submissions": 0, "notices": 0, "unknown": 0}


def test_sweep_leaves_work_already_with_the_broker_alone_until_the_redispatch_time(settings):
    settings.CANDOR_SWEEP_REDISPATCH_SECONDS = 900
    submission = complaint().submission
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    Submission.objects.filter(pk=submission.pk).update(
        received_at=ten_minutes_ago,
        routing_state=Submission.RoutingState.QUEUED,
        routing_dispatched_at=ten_minutes_ago,
    )
    assert sweep() == {
        "submissions": 0,
        "notices": 0,
        "unknown": 0,
    }  # waiting in a backlog, not lost
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Submission.objects.filter(pk=submission.pk).update(
        received_at=an_hour_ago, routing_dispatched_at=an_hour_ago
    )
    assert sweep() == {"submissions": 1, "notices": 0, "unknown": 0}
