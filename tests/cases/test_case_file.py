"""What the case page and the printed case file say: the employee by rank, name and DSN, the
complainant's messages as the complainant's, the categories as ticked, the language by name;
the printed file for sign-off; both in a constant number of queries."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from cases import workflow
from cases.models import Case
from cases.services import case_message_send, case_note_add
from intake.models import Message
from tests.factories import EmployeeFactory

from .conftest import routed_complaint, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(db):
    EmployeeFactory(dsn="1003", first_name="Ana", last_name="Morales", rank="Officer")
    submission = routed_complaint(
        categories=["use_of_force", "discourtesy"],
        submitter_email="dana@example.com",
        language="bs",
        employees=[{"badge": "1003"}, {"car_number": "2291"}],
    )
    return Case.objects.get(submission=submission)


def test_a_matched_employee_reads_by_rank_name_and_dsn(client, investigator, commander, case):
    case = workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )
    workflow.case_open(case=case, version=case.version, actor=investigator)
    sign_in(client, investigator)
    body = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "Officer Ana Morales, DSN 1003" in body
    assert "Use of force — Officer Ana Morales, DSN 1003" in body
    assert "Use of force — car 2291" in body
    assert "1003 #1003" not in body


def test_the_complainants_messages_are_labelled_as_the_complainants(client, investigator, case):
    case_message_send(case=case, actor=investigator, body="Can you call us?")
    Message.objects.create(
        submission=case.submission, author=Message.Author.SUBMITTER, body="Yes, after five."
    )
    sign_in(client, investigator)
    response = client.get(reverse("cases:case", args=[case.pk]))
    body = response.content.decode()
    assert "<strong>Complainant</strong>" in body
    assert "<strong>You</strong>" not in body
    whom = {entry.text: entry.who for entry in response.context["file"].timeline}
    assert whom["Yes, after five."] == "Complainant"


def test_the_ticked_categories_and_the_language_by_name(client, investigator, case):
    sign_in(client, investigator)
    response = client.get(reverse("cases:case", args=[case.pk]))
    assert response.context["file"].categories == ["Use of force", "Discourtesy"]
    assert response.context["file"].language == "Bosnian"
    body = response.content.decode()
    assert "Use of force, Discourtesy" in body
    assert "<dd>bs</dd>" not in body


def test_the_timeline_shows_each_notice_once_in_the_order_things_happened(
    client, investigator, commander, case
):
    case = workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )
    workflow.case_open(case=case, version=case.version, actor=investigator)
    sign_in(client, investigator)
    timeline = client.get(reverse("cases:case", args=[case.pk])).context["file"].timeline
    assert [entry.at for entry in timeline] == sorted(entry.at for entry in timeline)
    assert "Queued a notice" not in [entry.text for entry in timeline]
    status = [e.text for e in timeline if e.text.startswith("Status update to the complainant")]
    assert len(status) == 2


def test_the_printable_case_file_has_everything_for_sign_off(client, commander, case):
    case_note_add(case=case, actor=commander, body="Spoke to the sergeant.")
    sign_in(client, commander)
    response = client.get(reverse("cases:print", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for heading in (
        "The complaint as filed",
        "Allegations and findings",
        "Internal notes",
        "Notices",
        "Timeline",
        "Sign-off",
    ):
        assert heading in body
    assert "Spoke to the sergeant." in body
    assert case.submission.narrative in body
    printed = AuditEvent.objects.filter(case=case, action="case.view", actor=commander).last()
    assert printed.detail == {"printable": True}


@pytest.mark.parametrize("name", ["cases:case", "cases:print"])
def test_the_case_page_query_count_does_not_grow_with_what_happened(
    client, investigator, case, name, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, investigator)
    case_note_add(case=case, actor=investigator, body="first")
    client.get(reverse(name, args=[case.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name, args=[case.pk]))
    for n in range(8):
        case_note_add(case=case, actor=investigator, body=f"note {n}")
        case_message_send(case=case, actor=investigator, body=f"message {n}")
        Message.objects.create(
            submission=case.submission, author=Message.Author.SUBMITTER, body=f"reply {n}"
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse(name, args=[case.pk]))
