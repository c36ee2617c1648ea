"""The auditor's search across every case and commendation: by person, action, tracking number
and time, the CSV export with a JSON detail column, in a constant number of queries."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from cases.models import Case
from cases.services import case_note_add
from tests.cases.conftest import routed_complaint
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def shown(client, **params) -> list[AuditEvent]:
    response = client.get(reverse("audit:search"), params)
    assert response.status_code == 200
    return list(response.context["page"])


@pytest.fixture
def trail(investigator, commander):
    force = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    secret = Case.objects.get(submission=routed_complaint(categories=["criminal_misconduct"]))
    case_note_add(case=force, actor=investigator, body="Called the witness.")
    case_note_add(case=secret, actor=commander, body="Asked for the bank records.")
    return force, secret


def test_the_auditor_filters_by_person_action_case_and_time(client, auditor, investigator, trail):
    force, secret = trail
    sign_in(client, auditor)
    everything = shown(client)
    assert {event.submission_id for event in everything} >= {
        force.submission_id,
        secret.submission_id,  # confidential cases too: the auditor reads everything
    }
    assert [e.detail for e in shown(client, person=investigator.pk)] == [
        {"note": force.notes.get().pk}
    ]
    notes = shown(client, action=AuditAction.CASE_ADD_NOTE)
    assert {e.case_id for e in notes} == {force.pk, secret.pk}
    by_case = shown(client, case=f" {secret.submission.tracking_number.lower()} ")
    assert {e.submission_id for e in by_case} == {secret.submission_id}
    later = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert shown(client, since=later) == []
    assert len(shown(client, until=later)) == len(everything)


def test_newest_first_with_a_link_to_the_case(client, auditor, trail):
    force, _secret = trail
    sign_in(client, auditor)
    events = shown(client)
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    page = client.get(reverse("audit:search")).content.decode()
    assert reverse("cases:case", args=[force.pk]) in page


def test_the_export_is_the_search_with_json_details(client, auditor, investigator, trail):
    force, _secret = trail
    sign_in(client, auditor)
    response = client.get(reverse("audit:export"), {"action": AuditAction.CASE_ADD_NOTE})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["action"] for row in rows} == {"case.add_note"}
    mine = next(row for row in rows if row["actor"] == investigator.username)
    assert json.loads(mine["detail"]) == {"note": force.notes.get().pk}
    assert mine["tracking_number"] == force.submission.tracking_number


@pytest.mark.parametrize("role", ["investigator", "commander", "intake_coordinator"])
def test_only_the_auditor_searches_the_whole_trail(client, request, role, trail):
    sign_in(client, request.getfixturevalue(role))
    assert client.get(reverse("audit:search")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404


def test_the_search_query_count_does_not_grow_with_events(
    client, auditor, investigator, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, auditor)
    case = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
    case_note_add(case=case, actor=investigator, body="one")

    def export():
        return b"".join(client.get(reverse("audit:export")).streaming_content)

    with django_assert_max_num_queries(12) as few:
        client.get(reverse("audit:search"))
    with django_assert_max_num_queries(12) as few_export:
        export()
    for n in range(20):
        other = Case.objects.get(submission=routed_complaint(categories=["use_of_force"]))
        case_note_add(case=other, actor=investigator, body=str(n))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("audit:search"))
    with django_assert_num_queries(len(few_export.captured_queries)):
        assert export().count(b"case.add_note") == 21
