"""The case page and what is done from it: audit of views, notes, messages, refused stale
edits that keep what was typed, staff-entered complaints, the audit export."""

import csv
import io
import json

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent
from cases.models import Case, CaseNote
from intake.models import Attachment, Message, Submission
from notices.models import Notice

from .conftest import routed_complaint, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    submission = routed_complaint(
        categories=["use_of_force"],
        submitter_email="dana@example.com",
        submitter_name="Dana Resident",
        language="bs",
        employees=[{"name": "Officer Smith", "badge": "9999"}],
    )
    return Case.objects.get(submission=submission)


def test_the_case_page_shows_the_complaint_and_records_the_view(client, investigator, case):
    sign_in(client, investigator)
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert case.submission.narrative in body
    assert "Officer Smith" in body
    assert "Audit trail" not in body  # shown to the commander and the auditor only
    view = AuditEvent.objects.get(case=case, action="case.view")
    assert view.actor == investigator
    assert view.ip_address == "127.0.0.1"


def test_the_commander_sees_the_audit_trail_and_exports_it(client, commander, case):
    sign_in(client, commander)
    assert "Audit trail" in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    client.post(reverse("cases:note", args=[case.pk]), {"body": "Called the witness."})
    export = client.get(reverse("cases:audit-export", args=[case.pk]))
    assert export["Content-Type"].startswith("text/csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["at", "action", "actor", "ip_address", "detail", "tracking_number"]
    assert rows[1][1:3] == ["case.view", "carla"]
    # The detail column is JSON a program can read back, not a Python dict's text.
    note = next(row for row in rows if row[1] == "case.add_note")
    assert json.loads(note[4]) == {"note": CaseNote.objects.get(case=case).pk}
    assert note[5] == case.submission.tracking_number


def test_an_internal_note_is_kept_and_audited(client, investigator, case):
    sign_in(client, investigator)
    response = client.post(reverse("cases:note", args=[case.pk]), {"body": "Called the witness."})
    assert response.status_code == 302
    note = CaseNote.objects.get(case=case)
    assert note.author == investigator
    assert AuditEvent.objects.filter(case=case, action="case.add_note").exists()


def test_a_message_reaches_the_complainant_in_their_language(
    client, investigator, case, run_on_commit
):
    sign_in(client, investigator)
    with run_on_commit(execute=True):
        client.post(reverse("cases:message", args=[case.pk]), {"body": "Can you call us?"})
    message = Message.objects.get(submission=case.submission)
    assert message.author == Message.Author.STAFF
    notice = Notice.objects.get(kind=Notice.Kind.MESSAGE)
    assert notice.language == "bs"
    assert notice.recipient_email == "dana@example.com"


def test_a_stale_edit_is_refused_and_what_was_typed_is_kept(client, commander, case):
    sign_in(client, commander)
    stale = case.version
    Case.objects.filter(pk=case.pk).update(version=stale + 1)  # someone else saved meanwhile
    response = client.post(
        reverse("cases:extend", args=[case.pk]),
        {"version": stale, "new_due": "2099-01-01", "reason": "Waiting for the lab report."},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this case" in body
    assert "Waiting for the lab report." in body
    assert f'name="version" value="{stale + 1}"' in body  # sending again now works
    case.refresh_from_db()
    assert case.extensions.count() == 0


def test_assign_to_me_then_open_from_the_page(client, investigator, case):
    sign_in(client, investigator)
    client.post(
        reverse("cases:assign", args=[case.pk]),
        {"version": case.version, "assignee": investigator.pk},
    )
    case.refresh_from_db()
    assert case.assignee == investigator
    client.post(reverse("cases:open", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING
    timeline = client.get(reverse("cases:case", args=[case.pk])).context["file"].timeline
    texts = [entry.text for entry in timeline]
    assert "Assigned the case" in texts
    assert "Opened the investigation" in texts
    assert any(text.startswith("Status update to the complainant") for text in texts)


ROWS = {
    "employees-TOTAL_FORMS": "1",
    "employees-INITIAL_FORMS": "0",
    "witnesses-TOTAL_FORMS": "1",
    "witnesses-INITIAL_FORMS": "0",
}


def test_the_intake_coordinator_enters_a_phone_complaint(client, intake_coordinator):
    sign_in(client, intake_coordinator)
    form = client.get(reverse("cases:staff-complaint"))
    key = form.context["form"].initial["idempotency_key"]
    response = client.post(
        reverse("cases:staff-complaint"),
        {
            **ROWS,
            "idempotency_key": key,
            "channel": "phone",
            "language": "es",
            "submitter_name": "Rosa",
            "narrative": "An officer pushed me at the bus stop.",
            "categories": ["use_of_force"],
            "employees-0-badge": "1003",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.channel == Submission.Channel.PHONE
    assert submission.language == "es"
    assert submission.entered_by == intake_coordinator
    assert submission.employees.get().badge == "1003"


def test_a_staff_complaint_without_an_account_keeps_what_was_typed(client, intake_coordinator):
    sign_in(client, intake_coordinator)
    response = client.post(
        reverse("cases:staff-complaint"),
        {
            **ROWS,
            "idempotency_key": "k1",
            "channel": "letter",
            "language": "en",
            "submitter_name": "Rosa",
        },
    )
    assert response.status_code == 200
    assert 'value="Rosa"' in response.content.decode()
    assert not Submission.objects.exists()


def test_the_staff_complaint_form_checks_as_the_public_form_does(client, intake_coordinator):
    """The same fields, the same checks: a bad phone number and a future date are refused with
    the public form's messages, and "Add another employee" adds a row without JavaScript."""
    sign_in(client, intake_coordinator)
    data = {
        **ROWS,
        "idempotency_key": "k2",
        "channel": "in_person",
        "language": "bs",
        "narrative": "Pushed at the bus stop.",
        "submitter_phone": "call me",
        "occurred_on": "2999-01-01",
        "employees-0-name": "Officer Hadžić",
    }
    page = client.post(reverse("cases:staff-complaint"), data).content.decode()
    assert "Enter a phone number with at least 7 digits" in page
    assert "The date cannot be in the future." in page
    assert "Officer Hadžić" in page
    added = client.post(reverse("cases:staff-complaint"), {**data, "add_employee": "1"})
    assert 'name="employees-1-name"' in added.content.decode()
    assert not Submission.objects.exists()
    languages = [value for value, _label in added.context["form"].fields["language"].choices]
    assert languages == ["en", "es", "bs"]


@pytest.mark.parametrize(
    "kind",
    [
        Notice.Kind.COMPLAINT_EMPLOYEE,
        Notice.Kind.COMPLAINT_SUPERVISOR,
        Notice.Kind.STATUS_UPDATE,
        Notice.Kind.OUTCOME,
        Notice.Kind.MESSAGE,
        Notice.Kind.DUE_REMINDER,
        Notice.Kind.OVERDUE_ALERT,
    ],
)
def test_every_case_notice_renders_and_sends_through_anymail(case, kind):
    from notices.services import notice_queue, notice_send

    notice = notice_queue(
        submission=case.submission,
        kind=kind,
        recipient_email="someone@example.com",
        context={
            "status_url": "http://portal/status/x/",
            "stage": "under_investigation",
            "ending": "referred",
            "referred_to": "Highway Patrol",
            "referral_letter": "Dear Dana",
            "allegations": ["Use of force"],
            "employee_name": "Officer Smith",
            "due_date": "2026-12-01",
            "case_id": case.pk,
        },
    )
    assert notice_send(notice_id=notice.pk) == Notice.State.SENT
    sent = mail.outbox[-1]
    assert case.submission.tracking_number in sent.subject
    assert sent.alternatives[0][1] == "text/html"
    if kind in (Notice.Kind.COMPLAINT_EMPLOYEE, Notice.Kind.COMPLAINT_SUPERVISOR):
        assert "Dana" not in sent.body


def test_the_case_page_has_no_duplicate_ids(client, commander, case):
    import re
    from collections import Counter

    sign_in(client, commander)
    body = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    ids = Counter(re.findall(r'\bid="([^"]+)"', body))
    assert [name for name, n in ids.items() if n > 1] == []


def test_a_roster_match_is_confirmed_or_changed_from_the_page(client, investigator, case):
    from tests.factories import EmployeeFactory

    officer = EmployeeFactory(dsn="8080")
    involved = case.submission.employees.get()
    sign_in(client, investigator)
    response = client.post(
        reverse("cases:employee-match", args=[case.pk]),
        {"version": case.version, "involved": involved.pk, "dsn": "8080"},
    )
    assert response.status_code == 302
    involved.refresh_from_db()
    assert involved.employee == officer
    assert involved.match_state == involved.MatchState.CONFIRMED
    unknown = client.post(
        reverse("cases:employee-match", args=[case.pk]),
        {"version": case.version + 1, "involved": involved.pk, "dsn": "nope"},
    )
    assert unknown.status_code == 400
    assert "No employee in the roster has that number." in unknown.content.decode()


def test_an_allegation_is_added_from_the_page(client, investigator, case):
    sign_in(client, investigator)
    involved = case.submission.employees.get()
    client.post(
        reverse("cases:allegation-add", args=[case.pk]),
        {"version": case.version, "category": "discourtesy", "involved": involved.pk},
    )
    allegation = case.allegations.get()
    assert (allegation.category, allegation.involved) == ("discourtesy", involved)
    assert AuditEvent.objects.filter(case=case, action="case.add_allegation").exists()


def test_the_queue_overview_query_count_does_not_grow_with_cases(
    client, commander, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, commander)
    routed_complaint()
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("cases:queues"))
    for _ in range(10):
        routed_complaint(categories=["bias"])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("cases:queues"))


def test_a_notice_whose_outcome_is_unknown_shows_and_staff_can_send_it_again(
    client, investigator, case
):
    notice = case.submission.notices.get(kind=Notice.Kind.ACKNOWLEDGEMENT)
    Notice.objects.filter(pk=notice.pk).update(state=Notice.State.UNKNOWN)
    sign_in(client, investigator)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Outcome unknown" in page and "may or may not have been sent" in page

    url = reverse("cases:notice-send-again", args=[case.pk])
    response = client.post(url, {"notice": notice.pk})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == Notice.State.QUEUED
    event = AuditEvent.objects.filter(action="notice.queue").latest("id")
    assert event.actor == investigator and event.detail["again"] == "outcome unknown"
    # Once queued it is no longer unknown: a second click sends nothing more.
    assert client.post(url, {"notice": notice.pk}).status_code == 409


def test_only_an_unknown_notice_of_this_case_is_sent_again(client, investigator, case):
    sign_in(client, investigator)
    url = reverse("cases:notice-send-again", args=[case.pk])
    sent = case.submission.notices.first()
    assert client.post(url, {"notice": sent.pk}).status_code == 409
    assert client.post(url, {}).status_code == 400


def test_every_change_of_the_case_page_has_its_address():
    from cases.urls import CHANGE_ROUTES
    from cases.views import CHANGES

    assert set(CHANGE_ROUTES) == set(CHANGES)


@pytest.mark.parametrize(
    ("change", "typed"),
    [
        ("refer", {"referred_to": "Highway Patrol", "referral_letter": "Typed letter text."}),
        ("reopen", {"reason": "Typed reason text."}),
        ("extend", {"new_due": "2099-01-01", "reason": "Typed reason text."}),
        ("allegation-add", {"category": "discourtesy"}),
        ("merge", {"into": "C-2026-999999"}),
    ],
)
def test_every_change_refused_as_stale_keeps_what_was_typed(client, commander, case, change, typed):
    """One way for every change: a stale version answers 409 (or 400 when the form itself is
    wrong) on the case page, with what was typed still in the form."""
    sign_in(client, commander)
    stale = case.version
    Case.objects.filter(pk=case.pk).update(version=stale + 1)
    response = client.post(reverse(f"cases:{change}", args=[case.pk]), {"version": stale, **typed})
    assert response.status_code in (400, 409), change
    body = response.content.decode()
    for value in typed.values():
        if len(value) > 12:
            assert value in body, change
    case.refresh_from_db()
    assert case.version == stale + 1  # nothing was saved


def test_a_simple_step_with_a_stale_version_is_refused_with_409(client, commander, case):
    sign_in(client, commander)
    response = client.post(reverse("cases:triage", args=[case.pk]), {"version": case.version - 1})
    assert response.status_code == 409
    assert "Someone else changed this case" in response.content.decode()
    response = client.post(reverse("cases:triage", args=[case.pk]), {})
    assert response.status_code == 409


def test_each_attachment_shows_its_digest_as_received_its_original_and_any_active_content(
    client, investigator, case
):
    photo = Attachment(
        submission=case.submission,
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=3,
        sha256="ab" * 32,
    )
    photo.file.save("p.jpg", ContentFile(b"jpg"), save=False)
    photo.original_file.save("p.jpg", ContentFile(b"jpg+gps"), save=True)
    form = Attachment.objects.create(
        submission=case.submission,
        original_name="form.pdf",
        content_type="application/pdf",
        size=3,
        sha256="cd" * 32,
        active_content=["javascript", "embedded_files"],
        file=ContentFile(b"pdf", name="f.pdf"),
    )
    try:
        sign_in(client, investigator)
        body = client.get(reverse("cases:case", args=[case.pk])).content.decode()
        assert "ab" * 32 in body and "cd" * 32 in body
        assert reverse("cases:attachment_as_received", args=[case.pk, photo.pk]) in body
        assert reverse("cases:attachment_as_received", args=[case.pk, form.pk]) not in body
        assert "JavaScript, embedded files" in body
    finally:
        for attachment in (photo, form):
            attachment.file.delete(save=False)
        photo.original_file.delete(save=False)
