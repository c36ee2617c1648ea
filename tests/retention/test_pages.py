"""The retention page: who sees it, placing and lifting a legal hold, and bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from cases.models import Case
from retention.models import LegalHold
from staff import roles
from tests.history import received_case

from .conftest import sign_in, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(db):
    return received_case(
        on=timezone.now() - timedelta(days=5 * 366),
        ended=Case.Status.MEDIATED,
        days_to_close=20,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.BPS_COMMANDER, 200),
        (roles.AUDITOR, 200),
        (roles.INVESTIGATOR, 404),
        (roles.CHIEFS_OFFICE, 404),
        (roles.ADMINISTRATOR, 404),
    ],
)
def test_the_page_is_for_the_commander_and_the_auditor(client, old, role, status):
    sign_in(client, staff_member(role))
    response = client.get(reverse("retention:page"))
    assert response.status_code == status
    if status == 200:
        assert old.submission.tracking_number in response.content.decode()  # due


def test_the_auditor_cannot_place_or_lift_a_hold(client, old, auditor, commander):
    sign_in(client, auditor)
    number = old.submission.tracking_number
    assert (
        client.post(
            reverse("retention:hold"), {"tracking_number": number, "reason": "x"}
        ).status_code
        == 404
    )
    hold = LegalHold.objects.create(submission=old.submission, reason="x", placed_by=commander)
    assert (
        client.post(
            reverse("retention:lift", args=[hold.pk]), {f"lift-{hold.pk}-reason": "y"}
        ).status_code
        == 404
    )
    assert "Lift the hold" not in client.get(reverse("retention:page")).content.decode()


def test_the_commander_places_and_lifts_a_hold(client, old, commander):
    sign_in(client, commander)
    number = old.submission.tracking_number
    response = client.post(
        reverse("retention:hold"),
        {"tracking_number": f" {number.lower()} ", "reason": "Records request 77"},
    )
    assert response.status_code == 302
    page = client.get(reverse("retention:page")).content.decode()
    assert "Records request 77" in page and "0 records have passed their date" in page
    hold = LegalHold.objects.get()
    response = client.post(
        reverse("retention:lift", args=[hold.pk]), {f"lift-{hold.pk}-reason": "Answered"}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_reason == "Answered"
    actions = set(
        AuditEvent.objects.filter(submission=old.submission).values_list("action", flat=True)
    )
    assert {AuditAction.HOLD_PLACE, AuditAction.HOLD_LIFT} <= actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"tracking_number": "C-1999-000001", "reason": "Typed reason."},
            "No complaint or compliment has this tracking number.",
        ),
        ({"tracking_number": "", "reason": "Typed reason."}, "Enter the tracking number."),
        ({"tracking_number": "OLD", "reason": ""}, "Say why the record is held."),
    ],
)
def test_a_bad_hold_says_why_and_keeps_what_was_typed(client, old, commander, data, message):
    sign_in(client, commander)
    data = {k: (old.submission.tracking_number if v == "OLD" else v) for k, v in data.items()}
    response = client.post(reverse("retention:hold"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'id="error-summary"' in page
    assert data["reason"] in page
    assert not LegalHold.objects.exists()


def test_holding_a_record_twice_is_refused(client, old, commander):
    sign_in(client, commander)
    data = {"tracking_number": old.submission.tracking_number, "reason": "First."}
    client.post(reverse("retention:hold"), data)
    response = client.post(reverse("retention:hold"), {**data, "reason": "Second."})
    assert response.status_code == 400
    assert "already under a legal hold" in response.content.decode()
    assert LegalHold.objects.count() == 1


def test_lifting_needs_a_reason(client, old, commander):
    sign_in(client, commander)
    hold = LegalHold.objects.create(submission=old.submission, reason="x", placed_by=commander)
    response = client.post(
        reverse("retention:lift", args=[hold.pk]), {f"lift-{hold.pk}-reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the hold is lifted." in response.content.decode()


def test_the_page_reads_in_a_fixed_number_of_queries(
    client, old, commander, django_assert_num_queries, django_assert_max_num_queries
):
    sign_in(client, commander)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("retention:page"))
    for n in range(3):
        case = received_case(
            on=timezone.now() - timedelta(days=(5 + n) * 366),
            ended=Case.Status.REFERRED,
            days_to_close=3,
        )
        LegalHold.objects.create(
            submission=case.submission, reason=f"hold {n}", placed_by=commander
        )
        received_case(
            on=timezone.now() - timedelta(days=(6 + n) * 366),
            ended=Case.Status.MEDIATED,
            days_to_close=3,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("retention:page"))
