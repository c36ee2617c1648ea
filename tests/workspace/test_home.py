"""The staff home: each role lands on its own work, every list on it in a constant number of
queries; the menu offers exactly the pages each role can open."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import workflow
from cases.models import Case
from cases.services import case_message_send
from commendations.models import Commendation
from intake.models import Message, Submission
from intake.services import SubmissionData, submission_create
from notices.models import Notice, PaperLetter
from staff import roles
from tests.cases.conftest import routed_complaint
from tests.factories import EmployeeFactory, routed_compliment
from tests.staff import sign_in, staff_member
from workspace.menu import MENU, menu_for

pytestmark = pytest.mark.django_db


def panels(response) -> dict[str, tuple[int, list]]:
    return {
        panel.name: (panel.count, panel.rows)
        for _title, section in response.context["sections"]
        for panel in section
    }


def numbers(rows) -> set[str]:
    return {row.submission.tracking_number for row in rows}


def a_case(**kwargs) -> Case:
    return Case.objects.get(submission=routed_complaint(categories=["use_of_force"], **kwargs))


def test_the_investigator_sees_their_cases_due_overdue_written_to_and_unassigned(
    client, investigator, commander
):
    today = timezone.localdate()
    mine, soon, late, written = (a_case(submitter_email=f"r{n}@example.com") for n in range(4))
    unassigned = a_case()
    for case in (mine, soon, late, written):
        workflow.case_assign(
            case=case, version=case.version, actor=commander, assignee=investigator
        )
    Case.objects.filter(pk=mine.pk).update(due_date=today + timedelta(days=30))
    Case.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=2))
    Case.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=1))
    Case.objects.filter(pk=written.pk).update(due_date=today + timedelta(days=30))
    written.refresh_from_db()
    case_message_send(case=written, actor=investigator, body="Can you call us?")
    Message.objects.create(
        submission=written.submission, author=Message.Author.SUBMITTER, body="Yes, at 5."
    )
    # A complainant who was answered last is not waiting.
    Message.objects.create(submission=mine.submission, author=Message.Author.SUBMITTER, body="?")
    case_message_send(case=mine, actor=investigator, body="Answered.")

    sign_in(client, investigator)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    found = panels(response)
    assert found["mine"][0] == 4
    assert numbers(found["due-soon"][1]) == {soon.submission.tracking_number}
    assert numbers(found["overdue"][1]) == {late.submission.tracking_number}
    assert numbers(found["messages"][1]) == {written.submission.tracking_number}
    assert numbers(found["unassigned-mine"][1]) == {unassigned.submission.tracking_number}
    assert "to-approve" not in found  # the commander's work is not theirs


def test_every_see_the_full_list_link_lists_the_panels_cases(client, investigator, commander):
    late = a_case()
    workflow.case_assign(case=late, version=late.version, actor=commander, assignee=investigator)
    Case.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    a_case()
    sign_in(client, investigator)
    home = client.get(reverse("workspace:home"))
    for _title, section in home.context["sections"]:
        for panel in section:
            listed = client.get(panel.more_url)
            assert listed.status_code == 200, panel.name
            shown = {case.submission.tracking_number for case in listed.context["page"]}
            assert numbers(panel.rows) <= shown, panel.name
            assert listed.context["count"] == panel.count, panel.name


def test_the_commander_sees_findings_to_approve_overdue_by_investigator_and_unassigned(
    client, investigator, commander
):
    to_approve = a_case()
    to_approve = workflow.case_assign(
        case=to_approve, version=to_approve.version, actor=commander, assignee=investigator
    )
    to_approve = workflow.case_open(case=to_approve, version=to_approve.version, actor=investigator)
    allegation = to_approve.allegations.get()
    to_approve = workflow.allegation_findings_record(
        case=to_approve,
        version=to_approve.version,
        actor=investigator,
        findings={allegation.pk: "sustained"},
    )
    workflow.case_findings_submit(case=to_approve, version=to_approve.version, actor=investigator)
    late = a_case()
    workflow.case_assign(case=late, version=late.version, actor=commander, assignee=investigator)
    nobody_late = a_case()
    yesterday = timezone.localdate() - timedelta(days=1)
    Case.objects.filter(pk__in=[late.pk, nobody_late.pk]).update(due_date=yesterday)

    sign_in(client, commander)
    response = client.get(reverse("workspace:home"))
    found = panels(response)
    assert numbers(found["to-approve"][1]) == {to_approve.submission.tracking_number}
    by_investigator = {row.assignee_id: row.count for row in found["overdue-by-investigator"][1]}
    assert by_investigator == {investigator.pk: 1, None: 1}
    assert numbers(found["unassigned"][1]) == {nobody_late.submission.tracking_number}
    body = response.content.decode()
    assert f"assignee={investigator.pk}&amp;overdue=on" in body


@pytest.mark.parametrize("language", ["en", "es", "bs"])
def test_a_panel_counts_no_further_than_the_case_list_does(
    client, commander, monkeypatch, language
):
    # As the case list says "more than 500 cases", a panel says "more than 500", in every
    # language, and its full list agrees; at or under the cap, both give the number.
    from cases import views as case_views
    from workspace import views as home_views

    monkeypatch.setattr(home_views, "COUNT_CAP", 2)
    monkeypatch.setattr(case_views, "COUNT_CAP", 2)
    yesterday = timezone.localdate() - timedelta(days=1)
    late = [a_case() for _ in range(3)]
    Case.objects.filter(pk__in=[case.pk for case in late]).update(due_date=yesterday)
    sign_in(client, commander)
    response = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE=language)
    found = panels(response)
    assert found["unassigned"][0] == found["overdue-by-investigator"][0] == 3
    assert found["to-approve"][0] == 0
    more_than = {"en": "more than 2", "es": "más de 2", "bs": "više od 2"}[language]
    body = response.content.decode()
    shown = f'<span aria-hidden="true">2+</span><span class="visually-hidden">{more_than}</span>'
    assert body.count(f'<span class="count">{shown}</span>') == 2
    assert '<span class="count">0</span>' in body
    for _title, section in response.context["sections"]:
        for panel in section:
            listed = client.get(panel.more_url)
            assert listed.context["count"] == panel.count, panel.name


def test_overdue_by_investigator_counts_most_first_then_by_last_name_and_nobody_last(commander):
    from cases.selectors import overdue_by_assignee

    zed = staff_member(roles.INVESTIGATOR, "use-of-force", last_name="Zed", first_name="Ann")
    abe = staff_member(roles.INVESTIGATOR, "use-of-force", last_name="Abe", first_name="")
    cole = staff_member(roles.INVESTIGATOR, "use-of-force", last_name="Cole", first_name="Bo")
    yesterday = timezone.localdate() - timedelta(days=1)
    for assignee, late in [(zed, 2), (abe, 2), (None, 2), (cole, 1)]:
        for _ in range(late):
            Case.objects.filter(pk=a_case().pk).update(assignee=assignee, due_date=yesterday)
    not_yet = a_case()
    Case.objects.filter(pk=not_yet.pk).update(assignee=cole)  # open, due later
    closed = a_case()
    Case.objects.filter(pk=closed.pk).update(
        assignee=cole, due_date=yesterday, status=Case.Status.CLOSED
    )
    rows = overdue_by_assignee(user=commander)
    assert [(row.assignee_id, row.name, row.count) for row in rows] == [
        (abe.pk, "Abe", 2),
        (zed.pk, "Ann Zed", 2),
        (None, "", 2),
        (cole.pk, "Bo Cole", 1),
    ]


def test_the_chiefs_office_sees_commendations_to_confirm_and_not_yet_acknowledged(client):
    chief = staff_member(roles.CHIEFS_OFFICE, "chiefs-office", username="charles")
    EmployeeFactory(dsn="1003")

    def compliment(**employee) -> Commendation:
        return routed_compliment(narrative="Changed my tyre.", employees=[employee])

    unknown = compliment(name="the kind one")
    known = compliment(badge="1003")
    acknowledged = compliment(badge="1003")
    Notice.objects.filter(
        submission=acknowledged.submission, kind=Notice.Kind.COMMENDATION_EMPLOYEE
    ).update(acknowledged_at=timezone.now())

    sign_in(client, chief)
    found = panels(client.get(reverse("workspace:home")))
    assert numbers(found["to-confirm"][1]) == {unknown.submission.tracking_number}
    assert numbers(found["unacknowledged"][1]) == {known.submission.tracking_number}


def test_intake_sees_quarantine_and_letters_to_post(client, intake_coordinator):
    held = submission_create(
        data=SubmissionData(kind="complaint", narrative="Buy now"), quarantine_reason="links"
    ).submission
    posted_to = routed_complaint(submitter_email="a@example.com", submitter_address="1 Elm St")
    notice = Notice.objects.get(submission=posted_to, kind=Notice.Kind.ACKNOWLEDGEMENT)
    PaperLetter.objects.create(notice=notice, submission=posted_to, address="1 Elm St")
    sign_in(client, intake_coordinator)
    found = panels(client.get(reverse("workspace:home")))
    assert [s.tracking_number for s in found["quarantine"][1]] == [held.tracking_number]
    assert [letter.submission for letter in found["letters"][1]] == [posted_to]


def test_the_auditor_lands_on_the_audit_search_and_the_admin_on_the_admin(
    client, auditor, administrator
):
    sign_in(client, auditor)
    page = client.get(reverse("workspace:home"))
    assert page.context["audit_form"] is not None
    assert f'action="{reverse("audit:search")}"' in page.content.decode()
    sign_in(client, administrator)
    page = client.get(reverse("workspace:home"))
    assert page.context["administration"]
    assert reverse("admin:directory_employee_changelist") in page.content.decode()


ROLE_FIXTURES = ["investigator", "commander", "intake_coordinator", "auditor", "administrator"]


@pytest.mark.parametrize("role", [*ROLE_FIXTURES, "chief"])
def test_the_menu_offers_exactly_the_pages_the_role_can_open(client, request, role):
    user = (
        staff_member(roles.CHIEFS_OFFICE, "chiefs-office", username="charles")
        if role == "chief"
        else request.getfixturevalue(role)
    )
    sign_in(client, user)
    offered = {item.url for item in menu_for(user, path="/staff/")}
    for entry in MENU:
        url = reverse(entry.url_name)
        answer = client.get(url).status_code
        if url in offered:
            assert answer == 200, (role, url)
        else:
            assert answer in (302, 403, 404), (role, url, answer)
    page = client.get(reverse("workspace:home")).content.decode()
    for url in offered:
        assert f'href="{url}"' in page


def test_a_page_works_the_menu_out_once_and_a_public_page_never(client, commander, monkeypatch):
    from workspace import context_processors

    calls = []
    monkeypatch.setattr(
        context_processors, "menu_for", lambda *a, **k: calls.append(1) or menu_for(*a, **k)
    )
    sign_in(client, commander)
    page = client.get(reverse("cases:list")).content.decode()
    assert len(calls) == 1
    assert f'href="{reverse("cases:list")}" aria-current="page"' in page
    client.get(reverse("intake:complaint"))
    assert len(calls) == 1


@pytest.mark.parametrize("role", ["investigator", "commander", "intake_coordinator"])
def test_the_home_query_count_does_not_grow_with_the_work(
    client, request, role, investigator, commander, django_assert_num_queries
):
    user = request.getfixturevalue(role)
    today = timezone.localdate()

    def work(n):
        for _ in range(n):
            case = a_case(submitter_email="w@example.com")
            case = workflow.case_assign(
                case=case, version=case.version, actor=commander, assignee=investigator
            )
            Case.objects.filter(pk=case.pk).update(due_date=today - timedelta(days=1))
            Message.objects.create(
                submission=case.submission, author=Message.Author.SUBMITTER, body="Hello"
            )
            a_case()
            submission_create(
                data=SubmissionData(kind="complaint", narrative="spam"), quarantine_reason="x"
            )

    sign_in(client, user)
    work(1)
    client.get(reverse("workspace:home"))  # warm the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workspace:home"))
    work(10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workspace:home"))
    assert response.status_code == 200
    assert Submission.objects.count() > 20
