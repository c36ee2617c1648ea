"""The resident's status page: the stages as a timeline with the date each was reached and the
expected completion date, read from the case's recorded transitions."""

import pytest
from django.urls import reverse

from cases import workflow
from cases.models import Case
from intake.models import PUBLIC_STAGE_OF_CASE_STATUS, Submission
from intake.selectors import submission_stages
from intake.services import SubmissionData, submission_create
from routing.services import submission_route

pytestmark = pytest.mark.django_db


def _routed(**kwargs) -> tuple[str, Case]:
    receipt = submission_create(
        data=SubmissionData(kind="complaint", narrative="Pushed.", categories=["use_of_force"])
    )
    submission_route(submission_id=receipt.submission.pk)
    return receipt.status_token, Case.objects.get(submission=receipt.submission)


def states(submission) -> list[tuple[str, str]]:
    return [(step.stage, step.state) for step in submission_stages(submission)]


def test_every_case_status_has_a_public_stage():
    assert set(PUBLIC_STAGE_OF_CASE_STATUS) == set(Case.Status.values)


def test_the_status_page_shows_each_stage_with_its_date_and_the_expected_end(
    client, commander, investigator
):
    token, case = _routed()
    case = workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    submission = Submission.objects.get(pk=case.submission_id)
    assert states(submission) == [
        ("received", "done"),
        ("under_review", "done"),
        ("under_investigation", "current"),
        ("closed", "upcoming"),
    ]
    assert all(step.reached_at for step in submission_stages(submission)[:3])
    page = client.get(reverse("intake:status", args=[token])).content.decode()
    assert 'aria-current="step"' in page
    assert "Expected to be completed by" in page
    assert "expected by" in page
    assert page.count("<time ") == 3


def test_a_referral_passes_over_review_and_investigation(intake_coordinator):
    _token, case = _routed()
    workflow.case_refer(
        case=case,
        version=case.version,
        actor=intake_coordinator,
        referred_to="Missouri State Highway Patrol",
        referral_letter="The trooper works for the Highway Patrol.",
    )
    submission = Submission.objects.get(pk=case.submission_id)
    assert states(submission) == [
        ("received", "done"),
        ("under_review", "skipped"),
        ("under_investigation", "skipped"),
        ("closed", "current"),
    ]


def test_a_reopened_case_counts_from_its_reopening(commander, intake_coordinator):
    _token, case = _routed()
    case = workflow.case_refer(
        case=case,
        version=case.version,
        actor=intake_coordinator,
        referred_to="Highway Patrol",
        referral_letter="Not ours.",
    )
    case = workflow.case_reopen(
        case=case, version=case.version, actor=commander, reason="It was ours."
    )
    submission = Submission.objects.get(pk=case.submission_id)
    assert states(submission) == [
        ("received", "done"),
        ("under_review", "current"),
        ("under_investigation", "upcoming"),
        ("closed", "upcoming"),
    ]


def test_the_stages_take_one_query(django_assert_num_queries, commander, investigator):
    _token, case = _routed()
    workflow.case_assign(case=case, version=case.version, actor=commander, assignee=investigator)
    submission = Submission.objects.get(pk=case.submission_id)
    with django_assert_num_queries(1):
        submission_stages(submission)
