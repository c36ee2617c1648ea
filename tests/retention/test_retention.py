"""The retention schedule, legal holds and anonymisation: what goes, what stays (so the
statistics stay true), what stops it, and that every purge is in the audit trail."""

from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from cases.models import Allegation, Case, CaseNote
from commendations.models import Commendation
from intake.models import Attachment, InvolvedEmployee, Message, Submission, Witness
from intake.services import SubmissionData, submission_create
from notices.models import Notice, PaperLetter
from ops.refusals import Refused
from reports.periods import Period
from reports.selectors import period_figures
from retention.models import Anonymisation, LegalHold, Outcome, RetentionPeriod
from retention.selectors import due_for_anonymisation, schedule
from retention.services import (
    REMOVED,
    legal_hold_lift,
    legal_hold_place,
    retention_apply,
    submission_anonymise,
)
from retention.tasks import anonymise_due
from routing.services import submission_route
from tests.factories import EmployeeFactory, UnitFactory, UserFactory
from tests.history import at, commendation_received, received_case

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


def closed(*, years_ago: float, findings=None, ended=Case.Status.CLOSED, **kwargs) -> Case:
    """A complaint that ended `years_ago` before `TODAY` (received a month before).

    Counted from `TODAY` at noon, not from the clock, so a case ends the same day whenever
    the suite runs."""
    noon = timezone.make_aware(datetime.combine(TODAY, time(12)))
    ended_at = noon - timedelta(days=round(365.25 * years_ago))
    return received_case(
        on=ended_at - timedelta(days=30),
        ended=ended,
        days_to_close=30,
        findings=findings or {},
        **kwargs,
    )


def test_the_installed_schedule_has_a_line_for_every_outcome():
    assert set(schedule()) == set(Outcome.values)
    assert schedule()["sustained"] == 120 and schedule()["quarantined_spam"] == 3
    RetentionPeriod.objects.filter(outcome="unfounded").update(months=6)
    assert schedule()["unfounded"] == 6


def test_each_outcome_is_kept_its_months_and_a_case_its_longest_findings(db):
    unfounded_old = closed(years_ago=3.2, findings={"discourtesy": "unfounded"})
    unfounded_new = closed(years_ago=2.5, findings={"discourtesy": "unfounded"})
    mixed = closed(years_ago=3.2, findings={"discourtesy": "unfounded", "bias": "sustained"})
    mediated = closed(years_ago=3.1, ended=Case.Status.MEDIATED)
    sustained = closed(years_ago=10.2, findings={"use_of_force": "sustained"})
    open_case = received_case(on=at(2015, 1, 1))
    due = {d.submission_id: d for d in due_for_anonymisation(today=TODAY)}
    assert set(due) == {
        unfounded_old.submission_id,
        mediated.submission_id,
        sustained.submission_id,
    }
    assert due[unfounded_old.submission_id].outcome == Outcome.UNFOUNDED
    assert due[sustained.submission_id].outcome == Outcome.SUSTAINED
    assert mixed.submission_id not in due  # sustained wins: ten years
    assert unfounded_new.submission_id not in due
    assert open_case.submission_id not in due


@pytest.fixture
def old_case(db):
    """An unfounded complaint closed four years ago, with everything a resident can send."""
    EmployeeFactory(dsn="5101", unit=UnitFactory(code="north", name="North"))
    case = closed(
        years_ago=4,
        findings={"discourtesy": "unfounded"},
        employees=["5101"],
        area="City of Jennings",
        categories=["discourtesy"],
        submitter_name="Rosalind Quibble",
        narrative="I live at 12 Elm St and the officer shouted at me.",
    )
    submission = case.submission
    Submission.objects.filter(pk=submission.pk).update(
        submitter_email="rq@example.org",
        submitter_phone="314-555-0199",
        submitter_address="12 Elm St, Jennings",
        location="Outside 12 Elm St",
    )
    Witness.objects.create(submission=submission, name="Wanda Witness", contact="314-555-0001")
    Message.objects.create(submission=submission, author="submitter", body="Call me at home.")
    InvolvedEmployee.objects.filter(submission=submission).update(description="Tall, moustache.")
    attachment = Attachment(
        submission=submission,
        original_name="me.jpg",
        content_type="image/jpeg",
        size=3,
        sha256="0" * 64,
    )
    attachment.file.save("evidence.jpg", ContentFile(b"jpg"), save=True)
    attachment.original_file.save("original.jpg", ContentFile(b"jpg+exif"), save=True)
    notice = Notice.objects.create(
        submission=submission,
        kind=Notice.Kind.OUTCOME,
        recipient_email="rq@example.org",
        recipient_name="Rosalind Quibble",
        context={"name": "Rosalind"},
    )
    PaperLetter.objects.create(notice=notice, submission=submission, address="12 Elm St")
    Case.objects.filter(pk=case.pk).update(referral_letter="Dear Rosalind")
    CaseNote.objects.create(case=case, author=UserFactory(), body="Rosalind says her son saw it.")
    case.refresh_from_db()
    return {
        "case": case,
        "files": [attachment.file.name, attachment.original_file.name],
        "storage": attachment.file.storage,
    }


def test_anonymising_removes_the_personal_data_and_keeps_the_statistics(
    old_case, django_capture_on_commit_callbacks
):
    case = old_case["case"]
    year = Period.year(timezone.localtime(case.submission.received_at).year)
    ended_year = Period.year(timezone.localtime(case.closed_at).year)
    before = [asdict(period_figures(period=p)) for p in (year, ended_year)]

    with django_capture_on_commit_callbacks(execute=True):
        purge = retention_apply(today=TODAY)

    assert [d.submission_id for d in purge.due] == [case.submission_id]
    submission = Submission.objects.get(pk=case.submission_id)
    for field in (
        "submitter_name",
        "submitter_email",
        "submitter_phone",
        "submitter_address",
        "location",
    ):
        assert getattr(submission, field) == "", field
    assert submission.narrative == REMOVED
    assert not Witness.objects.filter(submission=submission).exists()
    assert list(Message.objects.filter(submission=submission).values_list("body", flat=True)) == [
        REMOVED
    ]
    assert not Attachment.objects.filter(submission=submission).exists()
    for name in old_case["files"]:
        assert not old_case["storage"].exists(name), name
    notice = Notice.objects.get(submission=submission, kind=Notice.Kind.OUTCOME)
    assert (notice.recipient_email, notice.recipient_name, notice.context) == ("", "", {})
    assert PaperLetter.objects.get(submission=submission).address == REMOVED
    assert InvolvedEmployee.objects.get(submission=submission).description == ""
    case.refresh_from_db()
    assert case.referral_letter == ""
    assert CaseNote.objects.get(case=case).body == REMOVED
    # What the statistics need is all there.
    assert submission.tracking_number == case.submission.tracking_number
    assert submission.received_at == case.submission.received_at
    assert submission.categories == ["discourtesy"]
    assert submission.service_area.name == "City of Jennings"
    assert InvolvedEmployee.objects.get(submission=submission).employee.dsn == "5101"
    assert list(Allegation.objects.filter(case=case).values_list("finding", flat=True)) == [
        "unfounded"
    ]
    assert [asdict(period_figures(period=p)) for p in (year, ended_year)] == before
    # In the trail, with what went.
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_ANONYMISE)
    assert (event.submission_id, event.case_id, event.actor) == (submission.pk, case.pk, None)
    assert event.detail["outcome"] == "unfounded"
    assert event.detail["removed"] == {
        "witnesses": 1,
        "messages": 1,
        "attachments": 1,
        "notices": 1,
        "letters": 1,
        "notes": 1,
    }


def test_the_status_link_stops_working(client, db):
    receipt = submission_create(data=SubmissionData(kind="complaint", narrative="Old news."))
    submission_route(submission_id=receipt.submission.pk)
    Case.objects.filter(submission=receipt.submission).update(
        status=Case.Status.MEDIATED, closed_at=timezone.now() - timedelta(days=4 * 366)
    )
    assert client.get(f"/status/{receipt.status_token}/").status_code == 200
    retention_apply()
    assert client.get(f"/status/{receipt.status_token}/").status_code == 404


def test_anonymising_runs_once(old_case):
    assert len(retention_apply(today=TODAY).due) == 1
    assert len(retention_apply(today=TODAY).due) == 0
    assert Anonymisation.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.RETENTION_ANONYMISE).count() == 1


def test_a_legal_hold_stops_the_purge_until_it_is_lifted(old_case, commander):
    case = old_case["case"]
    hold = legal_hold_place(
        submission=case.submission, reason="Lawsuit 26-CV-104", actor=commander, client="10.1.1.1"
    )
    assert retention_apply(today=TODAY).due == []
    assert due_for_anonymisation(today=TODAY) == []
    with pytest.raises(Refused, match="already under a legal hold"):
        legal_hold_place(submission=case.submission, reason="Again", actor=commander)
    legal_hold_lift(hold=hold, reason="Settled", actor=commander)
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (commander, "Settled")
    assert len(retention_apply(today=TODAY).due) == 1
    trail = AuditEvent.objects.filter(submission=case.submission).order_by("id")
    placed = trail.get(action=AuditAction.HOLD_PLACE)
    assert (placed.actor, placed.detail["reason"], placed.ip_address) == (
        commander,
        "Lawsuit 26-CV-104",
        "10.1.1.1",
    )
    assert trail.get(action=AuditAction.HOLD_LIFT).detail["reason"] == "Settled"
    with pytest.raises(Refused, match="anonymised already"):
        legal_hold_place(submission=case.submission, reason="Too late", actor=commander)


def test_a_hold_placed_while_the_purge_runs_wins(old_case, commander):
    due = due_for_anonymisation(today=TODAY)
    LegalHold.objects.create(
        submission=old_case["case"].submission, reason="x", placed_by=commander
    )
    assert submission_anonymise(due=due[0]) is False
    assert not Anonymisation.objects.exists()


@pytest.mark.parametrize(("reason", "message"), [("  ", "Say why the record is held.")])
def test_a_hold_needs_a_reason(old_case, commander, reason, message):
    with pytest.raises(Refused, match=message):
        legal_hold_place(submission=old_case["case"].submission, reason=reason, actor=commander)


def test_commendations_and_discarded_spam_follow_their_own_lines(db):
    EmployeeFactory(dsn="5101")
    old = commendation_received(
        on=timezone.now() - timedelta(days=6 * 366), badge="5101", share=True
    )
    recent = commendation_received(on=timezone.now() - timedelta(days=30), badge="5101")
    spam = received_case(on=timezone.now() - timedelta(days=200)).submission
    Case.objects.filter(submission=spam).delete()
    Submission.objects.filter(pk=spam.pk).update(
        quarantined=True,
        quarantine_decision="discarded",
        quarantine_decided_at=timezone.now() - timedelta(days=120),
    )
    outcomes = {d.submission_id: d.outcome for d in retention_apply().due}
    assert outcomes == {old.submission_id: "commendation", spam.pk: "quarantined_spam"}
    assert not Commendation.objects.get(pk=old.pk).shared_publicly
    assert Submission.objects.get(pk=recent.submission_id).narrative != REMOVED


def test_the_command_shows_what_would_go_and_then_does_it(old_case):
    out = StringIO()
    call_command("retention_purge", "--dry-run", "--today", "2026-11-24", stdout=out)
    number = old_case["case"].submission.tracking_number
    assert f"{number}  unfounded" in out.getvalue() and "1 would anonymise." in out.getvalue()
    assert not Anonymisation.objects.exists()
    out = StringIO()
    call_command("retention_purge", "--today", "2026-11-24", stdout=out)
    assert "1 anonymised." in out.getvalue()
    assert Anonymisation.objects.count() == 1


def test_the_beat_task_anonymises_what_is_due(old_case):
    assert anonymise_due() == {"anonymised": 1, "skipped": 0}
    assert anonymise_due() == {"anonymised": 0, "skipped": 0}


def test_due_is_read_in_a_fixed_number_of_queries(old_case, django_assert_num_queries):
    with django_assert_num_queries(5) as captured:
        due_for_anonymisation(today=TODAY)
    for years in (4, 5, 6):
        closed(years_ago=years, findings={"bias": "withdrawn", "property": "exonerated"})
    with django_assert_num_queries(len(captured.captured_queries)):
        assert len(due_for_anonymisation(today=TODAY)) == 3
