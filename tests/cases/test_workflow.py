"""The workflow's allowed and refused transitions, the notices each sends, the audit each
leaves, and concurrent edits."""

from datetime import timedelta

import pytest

from audit.models import AuditEvent
from cases import workflow
from cases.models import Case, Finding
from intake.models import Submission
from notices.models import Notice
from ops.refusals import Refused
from tests.factories import EmployeeFactory

from .conftest import routed_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    # Named, not drawn at random: a drawn name can hold "dana", the complainant's, which the
    # notice of complaint must never show (Faker's first names include Dana and Jordana).
    sergeant = EmployeeFactory(
        dsn="5001", email="sgt@police.example", first_name="Sam", last_name="Serra"
    )
    return EmployeeFactory(
        dsn="5002",
        email="officer@police.example",
        supervisor=sergeant,
        first_name="Olive",
        last_name="Ortiz",
    )


def use_of_force_case(**kwargs) -> Case:
    kwargs.setdefault("submitter_email", "dana@example.com")
    kwargs.setdefault("language", "es")
    submission = routed_complaint(categories=["use_of_force"], **kwargs)
    return Case.objects.get(submission=submission)


def assigned(case, investigator, commander) -> Case:
    return workflow.case_assign(
        case=case, version=case.version, actor=commander, assignee=investigator
    )


def kinds(case) -> list[str]:
    return sorted(Notice.objects.filter(submission=case.submission).values_list("kind", flat=True))


def test_investigator_takes_a_case_and_runs_it_to_findings(investigator, commander, officer):
    case = use_of_force_case(employees=[{"badge": "5002"}])
    case = workflow.case_assign(
        case=case, version=case.version, actor=investigator, assignee=investigator
    )
    assert case.status == Case.Status.ASSIGNED
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    assert case.status == Case.Status.INVESTIGATING
    allegation = case.allegations.get()
    assert allegation.category == "use_of_force"
    case = workflow.allegation_findings_record(
        case=case, version=case.version, actor=investigator, findings={allegation.pk: "sustained"}
    )
    case = workflow.case_findings_submit(case=case, version=case.version, actor=investigator)
    case = workflow.case_approve(case=case, version=case.version, actor=commander)
    case = workflow.case_close(case=case, version=case.version, actor=commander)
    assert case.status == Case.Status.CLOSED
    submission = Submission.objects.get(pk=case.submission_id)
    assert submission.public_stage == Submission.PublicStage.CLOSED
    assert submission.public_outcome == "Sustained"
    assert submission.next_step_due is None


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Case.Status.RECEIVED, workflow.case_approve),
        (Case.Status.RECEIVED, workflow.case_close),
        (Case.Status.RECEIVED, workflow.case_findings_submit),
        (Case.Status.ASSIGNED, workflow.case_close),
        (Case.Status.INVESTIGATING, workflow.case_approve),
        (Case.Status.CLOSED, workflow.case_triage),
        (Case.Status.MERGED, workflow.case_open),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(status, step, commander):
    case = use_of_force_case()
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    with pytest.raises(Refused):
        step(case=case, version=case.version, actor=commander)
    case.refresh_from_db()
    assert case.status == status
    assert case.version == 1
    assert not AuditEvent.objects.filter(case=case).exists()


def test_only_the_commander_approves_findings(investigator, commander):
    case = assigned(use_of_force_case(), investigator, commander)
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    allegation = case.allegations.get()
    case = workflow.allegation_findings_record(
        case=case, version=case.version, actor=investigator, findings={allegation.pk: "unfounded"}
    )
    case = workflow.case_findings_submit(case=case, version=case.version, actor=investigator)
    with pytest.raises(Refused, match="role"):
        workflow.case_approve(case=case, version=case.version, actor=investigator)


def test_findings_cannot_be_submitted_while_an_allegation_is_undecided(investigator, commander):
    case = assigned(use_of_force_case(), investigator, commander)
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    with pytest.raises(Refused, match="every allegation"):
        workflow.case_findings_submit(case=case, version=case.version, actor=investigator)


def test_an_investigator_cannot_give_a_case_to_someone_else(investigator, commander):
    case = use_of_force_case()
    with pytest.raises(Refused, match="only to yourself"):
        workflow.case_assign(
            case=case, version=case.version, actor=investigator, assignee=commander
        )


def test_another_investigators_case_cannot_be_opened_by_a_colleague(investigator, commander):
    from staff import roles

    from .conftest import staff_member

    colleague = staff_member(roles.INVESTIGATOR, "use-of-force")
    case = assigned(use_of_force_case(), investigator, commander)
    with pytest.raises(Refused, match="assigned investigator"):
        workflow.case_open(case=case, version=case.version, actor=colleague)


def test_opening_the_case_sends_the_notice_of_complaint_to_employee_and_supervisor(
    investigator, commander, officer, run_on_commit
):
    case = assigned(use_of_force_case(employees=[{"badge": "5002"}]), investigator, commander)
    with run_on_commit(execute=True):
        case = workflow.case_open(case=case, version=case.version, actor=investigator)
    employee_notice = Notice.objects.get(kind=Notice.Kind.COMPLAINT_EMPLOYEE)
    supervisor_notice = Notice.objects.get(kind=Notice.Kind.COMPLAINT_SUPERVISOR)
    assert employee_notice.recipient_email == "officer@police.example"
    assert supervisor_notice.recipient_email == "sgt@police.example"
    assert employee_notice.context["allegations"] == ["Use of force"]
    # The complainant's identity is never part of it.
    assert "dana" not in str(employee_notice.context).lower()
    assert Notice.objects.filter(
        kind=Notice.Kind.STATUS_UPDATE, language="es", occasion__startswith="under_investigation"
    ).exists()


def test_a_confidential_case_never_alerts_the_employee(investigator, commander, officer):
    from staff import roles

    from .conftest import staff_member

    integrity = staff_member(roles.INVESTIGATOR, "public-integrity")
    submission = routed_complaint(categories=["criminal_misconduct"], employees=[{"badge": "5002"}])
    case = Case.objects.get(submission=submission)
    assert case.confidential
    case = workflow.case_assign(
        case=case, version=case.version, actor=integrity, assignee=integrity
    )
    workflow.case_open(case=case, version=case.version, actor=integrity)
    assert not Notice.objects.filter(
        kind__in=[Notice.Kind.COMPLAINT_EMPLOYEE, Notice.Kind.COMPLAINT_SUPERVISOR]
    ).exists()


def test_closing_sends_the_outcome_to_the_complainant_in_their_language(investigator, commander):
    case = assigned(use_of_force_case(), investigator, commander)
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    allegation = case.allegations.get()
    case = workflow.allegation_findings_record(
        case=case, version=case.version, actor=investigator, findings={allegation.pk: "exonerated"}
    )
    case = workflow.case_findings_submit(case=case, version=case.version, actor=investigator)
    case = workflow.case_approve(case=case, version=case.version, actor=commander)
    assert not Notice.objects.filter(kind=Notice.Kind.OUTCOME).exists()
    workflow.case_close(case=case, version=case.version, actor=commander)
    outcome = Notice.objects.get(kind=Notice.Kind.OUTCOME)
    assert outcome.recipient_email == "dana@example.com"
    assert outcome.language == "es"
    assert outcome.context["findings"] == [Finding.EXONERATED]


def test_an_anonymous_complainant_gets_no_notice(investigator, commander):
    case = use_of_force_case(submitter_email="")
    case = assigned(case, investigator, commander)
    workflow.case_open(case=case, version=case.version, actor=investigator)
    assert Notice.Kind.STATUS_UPDATE not in kinds(case)


def test_a_referral_sends_the_referral_letter(intake_coordinator):
    case = use_of_force_case()
    workflow.case_refer(
        case=case,
        version=case.version,
        actor=intake_coordinator,
        referred_to="Missouri State Highway Patrol",
        referral_letter="The trooper you describe works for the Highway Patrol.",
    )
    outcome = Notice.objects.get(kind=Notice.Kind.OUTCOME)
    assert outcome.context["ending"] == Case.Status.REFERRED
    assert "Highway Patrol" in outcome.context["referral_letter"]


def test_merge_mediation_and_reopen(intake_coordinator, commander, investigator):
    original = use_of_force_case()
    duplicate = use_of_force_case()
    duplicate = workflow.case_merge(
        case=duplicate, version=duplicate.version, actor=intake_coordinator, into=original
    )
    assert duplicate.status == Case.Status.MERGED
    assert duplicate.merged_into == original
    with pytest.raises(Refused, match="reason"):
        workflow.case_reopen(case=duplicate, version=duplicate.version, actor=commander, reason="")
    duplicate = workflow.case_reopen(
        case=duplicate, version=duplicate.version, actor=commander, reason="Different incident."
    )
    assert duplicate.status == Case.Status.TRIAGE
    assert duplicate.closed_at is None
    original = assigned(original, investigator, commander)
    original = workflow.case_mediate(case=original, version=original.version, actor=commander)
    assert original.status == Case.Status.MEDIATED
    reopen = AuditEvent.objects.get(case=duplicate, action="case.reopen")
    assert reopen.detail["reason"] == "Different incident."


def test_every_step_leaves_an_audit_event_with_who_and_what(investigator, commander):
    case = use_of_force_case()
    case = assigned(case, investigator, commander)
    case = workflow.case_open(case=case, version=case.version, actor=investigator)
    workflow.case_due_extend(
        case=case,
        version=case.version,
        actor=commander,
        new_due=case.due_date + timedelta(days=30),
        reason="Waiting for body-camera footage.",
    )
    actions = list(AuditEvent.objects.filter(case=case).values_list("action", "actor__username"))
    assert ("case.assign", "carla") in actions
    assert ("case.open", "vic") in actions
    assert ("case.extend", "carla") in actions
    assert ("notice.queue", "vic") in actions  # the status update to the complainant


def test_an_extension_moves_the_due_date_and_keeps_the_reason(commander):
    case = use_of_force_case()
    new_due = case.due_date + timedelta(days=14)
    extension = workflow.case_due_extend(
        case=case, version=case.version, actor=commander, new_due=new_due, reason="Witness away."
    )
    case.refresh_from_db()
    assert case.due_date == new_due
    assert extension.reason == "Witness away."
    assert Submission.objects.get(pk=case.submission_id).next_step_due == new_due


def test_only_the_commander_extends_a_due_date(investigator):
    case = use_of_force_case()
    with pytest.raises(Refused, match="commander"):
        workflow.case_due_extend(
            case=case,
            version=case.version,
            actor=investigator,
            new_due=case.due_date + timedelta(days=1),
            reason="More time",
        )


def test_a_change_made_on_a_stale_version_is_refused(investigator, commander):
    case = use_of_force_case()
    seen_version = case.version
    workflow.case_assign(case=case, version=seen_version, actor=commander, assignee=investigator)
    with pytest.raises(Refused) as refused:
        workflow.case_assign(
            case=case, version=seen_version, actor=investigator, assignee=investigator
        )
    assert refused.value.conflict
    with pytest.raises(Refused, match="Someone else changed this case"):
        workflow.case_due_extend(
            case=case,
            version=seen_version,
            actor=commander,
            new_due=case.due_date + timedelta(days=3),
            reason="x",
        )
    case.refresh_from_db()
    assert case.assignee == investigator
    assert case.extensions.count() == 0
