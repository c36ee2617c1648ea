"""A compliment about a roster employee, for real: the live worker routes it to the Chief's
office and the commendation reaches the employee and their supervisor."""

import pytest

from commendations.models import Commendation
from intake.services import EmployeeData, SubmissionData, submission_create
from notices.models import Notice
from ops.models import CapturedEmail
from tests.factories import EmployeeFactory, member_of

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("routing_defaults")]


def test_a_compliment_naming_an_employee_reaches_them_and_their_supervisor(live_worker):
    member_of("chiefs-office", username="chief")
    sergeant = EmployeeFactory(
        dsn="1002", first_name="Dwayne", last_name="Fletcher", email="d.fletcher@police.example"
    )
    EmployeeFactory(
        dsn="1003",
        first_name="Ana",
        last_name="Morales",
        email="a.morales@police.example",
        supervisor=sergeant,
    )
    submission = submission_create(
        data=SubmissionData(
            kind="compliment",
            narrative="Officer Morales found my lost dog and brought her home.",
            submitter_email="grateful@example.com",
            employees=[EmployeeData(name="Ana Moralez")],
        )
    ).submission

    commendation = wait_for(
        lambda: Commendation.objects.filter(submission=submission, employee__dsn="1003").first(),
        what="the commendation with its employee",
    )
    assert commendation.queue.slug == "chiefs-office"
    wait_for(
        lambda: Notice.objects.filter(submission=submission, state=Notice.State.SENT).count() == 4,
        what="four notices sent",
    )
    recipients = sorted(
        email.to[0]
        for email in CapturedEmail.objects.filter(
            metadata__tracking_number=submission.tracking_number
        )
    )
    assert recipients == [
        "a.morales@police.example",
        "chief@bps.police.example",
        "d.fletcher@police.example",
        "grateful@example.com",
    ]
    to_employee = CapturedEmail.objects.get(to=["a.morales@police.example"])
    assert "found my lost dog" in to_employee.body_text
    assert "/notices/acknowledge/" in to_employee.body_html
