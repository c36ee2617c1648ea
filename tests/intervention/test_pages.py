"""The flag list, a flag and an employee's history: who sees them, who changes a flag, and what
a confidential case shows to whom."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from intervention.models import Flag, InterventionRule
from intervention.services import flags_raise
from staff import roles
from tests.factories import EmployeeFactory
from tests.history import commendation_received, received_case

from .conftest import sign_in, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(db):
    """An officer with two complaints, one of them confidential, and a flag for them."""
    InterventionRule.objects.all().delete()
    InterventionRule.objects.create(name="Two in a year", kind="complaints", threshold=2)
    officer = EmployeeFactory(dsn="5101", first_name="Gail", last_name="Stroud")
    now = timezone.now()
    open_case = received_case(
        on=now - timedelta(days=5),
        employees=["5101"],
        categories=["discourtesy"],
        findings={"discourtesy": "sustained"},
    )
    secret = received_case(
        on=now - timedelta(days=3),
        employees=["5101"],
        categories=["criminal_misconduct"],
        narrative="Took a bribe.",
    )
    commendation_received(on=now - timedelta(days=1), badge="5101")
    flags_raise()
    return {"officer": officer, "open": open_case, "secret": secret, "flag": Flag.objects.get()}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.BPS_COMMANDER, 200),
        (roles.AUDITOR, 200),
        (roles.INVESTIGATOR, 404),
        (roles.INTAKE_COORDINATOR, 404),
        (roles.CHIEFS_OFFICE, 404),
        (roles.ADMINISTRATOR, 404),
    ],
)
def test_flags_and_histories_are_for_the_commander_and_the_auditor(client, flagged, role, status):
    sign_in(client, staff_member(role))
    flag, officer = flagged["flag"], flagged["officer"]
    for url in (
        reverse("intervention:flags"),
        reverse("intervention:flag", args=[flag.pk]),
        reverse("intervention:employee", args=[officer.pk]),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("role", "status"), [(roles.AUDITOR, 404), (roles.INVESTIGATOR, 404)])
def test_only_the_commander_changes_a_flag(client, flagged, role, status):
    sign_in(client, staff_member(role))
    flag = flagged["flag"]
    response = client.post(
        reverse("intervention:flag-change", args=[flag.pk]),
        {"state": "under_review", "note": "x", "version": flag.version},
    )
    assert response.status_code == status
    flag.refresh_from_db()
    assert flag.state == Flag.State.NEW


def test_the_commander_changes_a_flag_with_a_note(client, flagged, commander):
    sign_in(client, commander)
    flag = flagged["flag"]
    url = reverse("intervention:flag-change", args=[flag.pk])
    response = client.post(url, {"state": "under_review", "note": "Reading.", "version": 1})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Reading." in page and "Under review" in page
    assert AuditEvent.objects.filter(action=AuditAction.FLAG_CHANGE_STATE, actor=commander).exists()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"state": "under_review", "note": ""}, 400, "Write a note saying why."),
        ({"state": "resolved", "note": "Typed words."}, 400, "Choose one of the states offered."),
        (
            {"state": "not_warranted", "note": "Typed words.", "version": 0},
            409,
            "Someone else changed",
        ),
    ],
)
def test_a_refused_change_says_why_and_keeps_the_note(
    client, flagged, commander, data, status, message
):
    sign_in(client, commander)
    flag = flagged["flag"]
    response = client.post(
        reverse("intervention:flag-change", args=[flag.pk]), {"version": flag.version, **data}
    )
    assert response.status_code == status
    page = response.content.decode()
    assert message in page
    assert data["note"] in page
    assert 'id="error-summary"' in page
    flag.refresh_from_db()
    assert flag.state == Flag.State.NEW


def test_a_confidential_case_counts_but_shows_only_to_its_queues_members(client, flagged):
    outsider = staff_member(roles.BPS_COMMANDER, "bps-general")
    insider = staff_member(roles.BPS_COMMANDER, "bps-general", "public-integrity")
    flag, secret = flagged["flag"], flagged["secret"]
    assert flag.count == 2
    for user, sees in ((outsider, False), (insider, True)):
        sign_in(client, user)
        for url in (
            reverse("intervention:flag", args=[flag.pk]),
            reverse("intervention:employee", args=[flagged["officer"].pk]),
        ):
            page = client.get(url).content.decode()
            assert (secret.submission.tracking_number in page) == sees, (user, url)
            assert ("1 confidential case" in page) != sees, (user, url)
            assert flagged["open"].submission.tracking_number in page


def test_the_employee_history_shows_findings_commendations_flags_and_is_audited(
    client, flagged, auditor
):
    sign_in(client, auditor)
    officer = flagged["officer"]
    response = client.get(reverse("intervention:employee", args=[officer.pk]))
    page = response.content.decode()
    assert "Discourtesy: Sustained" in page
    history = response.context["history"]
    assert len(history.commendations) == 1 and len(history.flags) == 1
    assert history.last_year == 2
    event = AuditEvent.objects.get(action=AuditAction.EMPLOYEE_VIEW_HISTORY)
    assert (event.employee, event.actor) == (officer, auditor)


def test_the_flag_list_shows_open_flags_in_a_fixed_number_of_queries(
    client, flagged, commander, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, commander)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("intervention:flags"))
    for n in range(5):
        EmployeeFactory(dsn=f"60{n}")
        for _ in range(2):
            received_case(on=timezone.now() - timedelta(days=n + 1), employees=[f"60{n}"])
    flags_raise()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("intervention:flags"))
    assert len(response.context["page"].object_list) == 6
    closed = Flag.objects.first()
    Flag.objects.filter(pk=closed.pk).update(state="not_warranted")
    assert len(client.get(reverse("intervention:flags")).context["page"].object_list) == 5
    everything = client.get(reverse("intervention:flags"), {"state": ""})
    assert len(everything.context["page"].object_list) == 6


def test_the_employee_history_reads_in_a_fixed_number_of_queries(
    client, flagged, commander, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, commander)
    url = reverse("intervention:employee", args=[flagged["officer"].pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(4):
        received_case(
            on=timezone.now() - timedelta(days=20 + n),
            employees=["5101"],
            findings={"bias": "unfounded", "property": "exonerated"},
        )
        commendation_received(on=timezone.now() - timedelta(days=30 + n), badge="5101")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
