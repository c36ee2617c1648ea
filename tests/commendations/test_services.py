import re

import pytest
from django.core import mail
from django.core.signing import dumps as signing_dumps

from audit.models import AuditEvent
from commendations.models import Commendation
from commendations.services import (
    commendation_citizen_tell,
    commendation_employee_confirm,
    commendation_notice_resend,
    commendation_share_mark,
)
from notices.models import Notice, PaperLetter
from notices.services import notice_by_acknowledge_token, notice_send
from ops.refusals import Refused
from tests.factories import EmployeeFactory, UserFactory, member_of, routed_compliment

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    sergeant = EmployeeFactory(
        dsn="1002", first_name="Dwayne", last_name="Fletcher", email="d.fletcher@police.example"
    )
    return EmployeeFactory(
        dsn="1003",
        first_name="Ana",
        last_name="Morales",
        rank="Officer",
        email="a.morales@police.example",
        supervisor=sergeant,
    )


def compliment(**overrides):
    return routed_compliment(**{"submitter_email": "grateful@example.com", **overrides})


def send_all():
    for notice in Notice.objects.filter(state=Notice.State.QUEUED):
        notice_send(notice_id=notice.pk)


def recipients():
    return sorted(message.to[0] for message in mail.outbox)


def test_a_confident_match_sends_the_commendation_to_employee_and_supervisor(officer):
    member_of("chiefs-office", username="chief")
    commendation = compliment(employees=[{"name": "Ana Morales"}])
    assert commendation.employee == officer
    assert commendation.status == Commendation.Status.EMPLOYEE_CONFIRMED
    send_all()
    assert recipients() == [
        "a.morales@police.example",
        "chief@bps.police.example",
        "d.fletcher@police.example",
        "grateful@example.com",
    ]
    to_employee = next(m for m in mail.outbox if m.to == ["a.morales@police.example"])
    assert "changed my tyre" in to_employee.body
    assert "/notices/acknowledge/" in to_employee.body
    to_supervisor = next(m for m in mail.outbox if m.to == ["d.fletcher@police.example"])
    assert "Ana Morales" in to_supervisor.subject


def test_an_uncertain_match_waits_for_the_chiefs_office(officer):
    EmployeeFactory(dsn="1009", first_name="Anna", last_name="Moralis")
    commendation = compliment(employees=[{"name": "Morales"}])
    assert commendation.employee is None
    assert commendation.status == Commendation.Status.RECEIVED
    assert not Notice.objects.filter(kind__startswith="commendation_").exists()


def test_confirming_the_employee_sends_the_notices_and_is_audited(officer):
    commendation = compliment(employees=[{"name": "the kind lady officer"}])
    chief = UserFactory(username="chief")
    commendation_employee_confirm(commendation=commendation, employee=officer, actor=chief)
    commendation.refresh_from_db()
    assert commendation.employee == officer
    assert commendation.confirmed_by == chief
    involved = commendation.submission.employees.get()
    assert (involved.employee, involved.match_state) == (officer, "confirmed")
    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert {"commendation_employee", "commendation_supervisor"} <= kinds
    assert AuditEvent.objects.get(action="commendation.confirm_employee").actor == chief


def test_confirming_twice_sends_each_notice_once(officer):
    commendation = compliment()
    chief = UserFactory()
    commendation_employee_confirm(commendation=commendation, employee=officer, actor=chief)
    commendation_employee_confirm(commendation=commendation, employee=officer, actor=chief)
    assert Notice.objects.filter(kind="commendation_employee").count() == 1


def test_an_inactive_employee_cannot_be_confirmed(officer):
    officer.active = False
    officer.save()
    with pytest.raises(Refused):
        commendation_employee_confirm(
            commendation=compliment(), employee=officer, actor=UserFactory()
        )


def test_each_commendation_email_carries_its_own_acknowledgement_link(officer, monkeypatch):
    member_of("chiefs-office", username="aide")
    commendation = compliment(employees=[{"badge": "1003"}])
    notices = {n.kind: n for n in Notice.objects.filter(submission=commendation.submission)}
    signed = []

    def dumps(obj, **kwargs):
        signed.append(obj)
        return signing_dumps(obj, **kwargs)

    monkeypatch.setattr("notices.services.signing.dumps", dumps)
    send_all()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    for kind in ("commendation_employee", "commendation_supervisor"):
        message = by_recipient[notices[kind].recipient_email]
        # The link is signed at sending (with the time): find it and see whose it is.
        link = re.search(r"https?://\S+/notices/acknowledge/[^/\s]+/", message.body).group()
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert notice_by_acknowledge_token(token) == notices[kind]
        assert link in message.alternatives[0][0]
    # Only the two notices whose templates show the link sign one, each once (text and HTML
    # share it); the acknowledgement to the citizen and the queue's alerts sign nothing.
    assert sorted(signed) == sorted(
        notices[kind].pk for kind in ("commendation_employee", "commendation_supervisor")
    )
    assert set(notices) == {
        "acknowledgement",
        "queue_alert",
        "commendation_employee",
        "commendation_supervisor",
    }
    assert len(mail.outbox) == len(notices)


def test_a_bounced_commendation_is_resent_to_a_corrected_address(officer):
    commendation = compliment(employees=[{"badge": "1003"}])
    notice = Notice.objects.get(kind="commendation_employee")
    notice.state = Notice.State.BOUNCED
    notice.save()
    resent = commendation_notice_resend(
        notice=notice, email="ana.morales@police.example", actor=UserFactory()
    )
    assert resent.recipient_email == "ana.morales@police.example"
    assert resent.state == Notice.State.QUEUED
    send_all()
    assert "ana.morales@police.example" in recipients()
    assert commendation.submission.audit.filter(action="commendation.resend_notice").exists()


def test_a_notice_that_was_delivered_is_not_resent(officer):
    compliment(employees=[{"badge": "1003"}])
    notice = Notice.objects.get(kind="commendation_employee")
    with pytest.raises(Refused):
        commendation_notice_resend(notice=notice, email="x@police.example", actor=UserFactory())


def test_telling_the_citizen_sends_one_delivery_notice(officer):
    commendation = compliment(employees=[{"badge": "1003"}], language="es")
    chief = UserFactory()
    commendation_citizen_tell(commendation=commendation, actor=chief)
    commendation_citizen_tell(commendation=commendation, actor=chief)
    commendation.refresh_from_db()
    assert commendation.status == Commendation.Status.DELIVERED
    notice = Notice.objects.get(kind="commendation_delivered")
    assert (notice.recipient_email, notice.language) == ("grateful@example.com", "es")
    send_all()
    delivered = [
        m for m in mail.outbox if "Ana Morales" in m.body and m.to == ["grateful@example.com"]
    ]
    assert len(delivered) == 1


def test_a_citizen_without_email_is_told_by_a_paper_letter(officer):
    commendation = compliment(
        employees=[{"badge": "1003"}], submitter_email="", submitter_address="12 Elm St"
    )
    commendation_citizen_tell(commendation=commendation, actor=UserFactory())
    assert PaperLetter.objects.get().notice.kind == "commendation_delivered"


def test_the_citizen_is_told_only_once_the_employee_is_known():
    with pytest.raises(Refused):
        commendation_citizen_tell(commendation=compliment(), actor=UserFactory())


def test_sharing_publicly_needs_the_submitters_permission(officer):
    refused = compliment()
    with pytest.raises(Refused):
        commendation_share_mark(commendation=refused, shared=True, actor=UserFactory())
    allowed = compliment(share_publicly=True)
    commendation_share_mark(commendation=allowed, shared=True, actor=UserFactory())
    allowed.refresh_from_db()
    assert allowed.shared_publicly
