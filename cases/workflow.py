"""A case's life: the allowed transitions, one function each. Every function locks the case,
refuses a stale version (someone else changed it meanwhile), checks the transition and the
person's right to make it, writes the audit event, updates what the public status page shows,
and queues the notices that follow, dispatched after commit."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from directory.models import Employee
from intake.models import PUBLIC_STAGE_OF_CASE_STATUS, AllegationCategory, InvolvedEmployee
from notices.dispatch import notices_dispatch_on_commit
from notices.models import Notice
from notices.services import notice_to_submitter, notices_to_employee_and_supervisor
from ops.refusals import Refused

from .models import Allegation, Case, DueDateExtension, Finding
from .permissions import Action, can, may_work_on

S = Case.Status


CASE_CHANGED = _(
    "Someone else changed this case while you were working on it. Nothing was saved; the page "
    "now shows their change, and what you typed is kept below."
)


def case_changed() -> Refused:
    """Someone else changed the case since the person loaded it; nothing was overwritten."""
    return Refused(CASE_CHANGED, conflict=True)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    action: Action
    label: object  # lazy translated
    assignee_or_commander: bool = False  # the investigation's own steps


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("triage", frozenset({S.RECEIVED}), S.TRIAGE, Action.TRIAGE, _("Start triage")),
        Transition(
            "assign",
            frozenset({S.RECEIVED, S.TRIAGE, S.ASSIGNED, S.INVESTIGATING}),
            S.ASSIGNED,
            Action.CLAIM,
            _("Assign"),
        ),
        Transition(
            "open",
            frozenset({S.ASSIGNED}),
            S.INVESTIGATING,
            Action.WORK,
            _("Open the investigation"),
            assignee_or_commander=True,
        ),
        Transition(
            "submit_findings",
            frozenset({S.INVESTIGATING}),
            S.FINDINGS_SUBMITTED,
            Action.WORK,
            _("Submit findings"),
            assignee_or_commander=True,
        ),
        Transition(
            "return_findings",
            frozenset({S.FINDINGS_SUBMITTED}),
            S.INVESTIGATING,
            Action.APPROVE,
            _("Return findings"),
        ),
        Transition(
            "approve",
            frozenset({S.FINDINGS_SUBMITTED}),
            S.APPROVED,
            Action.APPROVE,
            _("Approve findings"),
        ),
        Transition("close", frozenset({S.APPROVED}), S.CLOSED, Action.CLOSE, _("Close")),
        Transition(
            "mediate",
            frozenset({S.ASSIGNED, S.INVESTIGATING}),
            S.MEDIATED,
            Action.CLOSE,
            _("Resolved by mediation"),
        ),
        Transition(
            "refer",
            frozenset({S.RECEIVED, S.TRIAGE, S.ASSIGNED}),
            S.REFERRED,
            Action.TRIAGE,
            _("Refer elsewhere"),
        ),
        Transition(
            "merge", frozenset(Case.OPEN_STATUSES), S.MERGED, Action.TRIAGE, _("Merge as duplicate")
        ),
        Transition(
            "reopen",
            frozenset({S.CLOSED, S.MEDIATED, S.REFERRED, S.MERGED}),
            S.TRIAGE,
            Action.CLOSE,
            _("Reopen"),
        ),
    ]
}

PUBLIC_STAGE = PUBLIC_STAGE_OF_CASE_STATUS  # what the public status page shows
ENDINGS = {S.CLOSED, S.MEDIATED, S.REFERRED, S.MERGED}


def transitions_for(*, case: Case, user) -> list[Transition]:
    """The transitions this person may make on this case now (for the case page's buttons)."""
    return [t for t in TRANSITIONS.values() if _refusal(t, case, user) is None]


def _refusal(transition: Transition, case: Case, user):
    if case.status not in transition.sources:
        return _("A case that is “%(status)s” cannot take this step.") % {
            "status": case.get_status_display()
        }
    if not can(user, transition.action):
        return _("Your role does not allow this step.")
    if transition.assignee_or_commander and not may_work_on(user, case):
        return _("Only the assigned investigator or the commander can take this step.")
    return None


def _locked(case: Case, version: int) -> Case:
    current = Case.objects.select_for_update().select_related("submission").get(pk=case.pk)
    if current.version != version:
        raise case_changed()
    return current


def _bump(case: Case, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=["version", *fields])


def _move(
    name: str, *, case: Case, version: int, actor, client: str | None = None, **detail
) -> tuple[Case, list]:
    """Check and make a transition inside the caller's transaction; returns the locked case
    and the notices to dispatch."""
    transition = TRANSITIONS[name]
    case = _locked(case, version)
    refusal = _refusal(transition, case, actor)
    if refusal is not None:
        raise Refused(refusal)
    previous = case.status
    case.status = transition.target
    now = timezone.now()
    if transition.target in ENDINGS:
        case.closed_at = now
    elif name == "reopen":
        case.closed_at = None
    _bump(case, "status", "closed_at")
    audit_record(
        action=AuditAction(f"case.{name}"),
        case=case,
        actor=actor,
        client=client,
        **{"from": previous, "to": case.status},
        **detail,
    )
    return case, _public_stage_update(case, actor=actor, client=client)


def _public_stage_update(case: Case, *, actor, client: str | None) -> list:
    """Keep the status page in step; tell the complainant when the public stage changes."""
    submission = case.submission
    stage = PUBLIC_STAGE[Case.Status(case.status)]
    changed = submission.public_stage != stage
    submission.public_stage = stage
    submission.next_step_due = None if case.status in ENDINGS else case.due_date
    submission.save(update_fields=["public_stage", "next_step_due"])
    if not changed or case.status in ENDINGS:
        return []
    return _to_complainant(
        case,
        kind=Notice.Kind.STATUS_UPDATE,
        occasion=f"{stage}-v{case.version}",
        context={"stage": stage},
        actor=actor,
        client=client,
    )


def _to_complainant(
    case: Case, *, kind: str, occasion: str, context: dict, actor, client: str | None
):
    notice = notice_to_submitter(
        submission=case.submission, kind=kind, occasion=occasion, context=context
    )
    _audit_notice(case, notice, actor=actor, client=client)
    return [notice] if notice else []


def _audit_notice(case: Case, notice, *, actor, client: str | None) -> None:
    if notice is None:
        return
    audit_record(
        action=AuditAction.NOTICE_QUEUE,
        case=case,
        actor=actor,
        client=client,
        kind=notice.kind,
        recipient=notice.recipient_email,
    )


# --- Transitions ------------------------------------------------------------------------------


def case_triage(*, case: Case, version: int, actor, client: str | None = None) -> Case:
    with transaction.atomic():
        case, notices = _move("triage", case=case, version=version, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_assign(*, case: Case, version: int, actor, assignee, client: str | None = None) -> Case:
    """Give the case to an investigator. An investigator may take it themself; the intake
    coordinator and the commander may give it to any member of the case's queue."""
    with transaction.atomic():
        locked = _locked(case, version)
        if assignee.pk != actor.pk and not can(actor, Action.ASSIGN):
            raise Refused(_("Your role allows you to assign cases only to yourself."))
        if not locked.queue.members.filter(pk=assignee.pk, is_active=True).exists():
            raise Refused(_("The assignee must be a member of the case's queue."))
        keep_status = locked.status == S.INVESTIGATING
        previous_assignee = locked.assignee_id
        if keep_status:
            locked.assignee = assignee
            _bump(locked, "assignee")
            audit_record(
                action=AuditAction.CASE_ASSIGN,
                case=locked,
                actor=actor,
                client=client,
                assignee=assignee.get_username(),
                previous_assignee=previous_assignee,
            )
            return locked
        locked.assignee = assignee
        locked.save(update_fields=["assignee"])
        locked, notices = _move(
            "assign",
            case=locked,
            version=locked.version,
            actor=actor,
            client=client,
            assignee=assignee.get_username(),
            previous_assignee=previous_assignee,
        )
        notices_dispatch_on_commit(notices)
    return locked


def case_open(*, case: Case, version: int, actor, client: str | None = None) -> Case:
    """Open the investigation: the allegations are set from the complaint if none were recorded,
    and the employee and their supervisor get the notice of complaint (allegations only, never
    who complained); never for a confidential case."""
    with transaction.atomic():
        case, notices = _move("open", case=case, version=version, actor=actor, client=client)
        case.opened_at = timezone.now()
        case.save(update_fields=["opened_at"])
        allegations = _allegations_from_complaint(case)
        if not case.confidential:
            notices += _notices_of_complaint(case, allegations, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_findings_submit(*, case: Case, version: int, actor, client: str | None = None) -> Case:
    with transaction.atomic():
        if Allegation.objects.filter(case=case, finding="").exists() or not (
            Allegation.objects.filter(case=case).exists()
        ):
            raise Refused(_("Record a finding for every allegation before submitting."))
        case, notices = _move(
            "submit_findings", case=case, version=version, actor=actor, client=client
        )
        notices_dispatch_on_commit(notices)
    return case


def case_findings_return(
    *, case: Case, version: int, actor, reason: str, client: str | None = None
) -> Case:
    with transaction.atomic():
        case, notices = _move(
            "return_findings",
            case=case,
            version=version,
            actor=actor,
            client=client,
            reason=reason,
        )
        notices_dispatch_on_commit(notices)
    return case


def case_approve(*, case: Case, version: int, actor, client: str | None = None) -> Case:
    with transaction.atomic():
        case, notices = _move("approve", case=case, version=version, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_close(*, case: Case, version: int, actor, client: str | None = None) -> Case:
    """Close an approved case and send the complainant the outcome, in their language."""
    with transaction.atomic():
        case, notices = _move("close", case=case, version=version, actor=actor, client=client)
        findings = sorted({a.finding for a in case.allegations.all() if a.finding})
        with translation.override("en"):
            case.submission.public_outcome = ", ".join(
                str(Finding(value).label) for value in findings
            )[:200]
        case.submission.save(update_fields=["public_outcome"])
        notices += _outcome(case, findings=findings, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_mediate(*, case: Case, version: int, actor, client: str | None = None) -> Case:
    with transaction.atomic():
        case, notices = _move("mediate", case=case, version=version, actor=actor, client=client)
        notices += _outcome(case, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_refer(
    *,
    case: Case,
    version: int,
    actor,
    referred_to: str,
    referral_letter: str,
    client: str | None = None,
) -> Case:
    """Refer a complaint that is not about this department's employee; the complainant gets the
    referral letter."""
    if not referred_to.strip() or not referral_letter.strip():
        raise Refused(_("Say where the complaint is referred and write the referral letter."))
    with transaction.atomic():
        case, notices = _move(
            "refer",
            case=case,
            version=version,
            actor=actor,
            client=client,
            referred_to=referred_to,
        )
        case.referred_to = referred_to
        case.referral_letter = referral_letter
        case.save(update_fields=["referred_to", "referral_letter"])
        notices += _outcome(case, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_merge(*, case: Case, version: int, actor, into: Case, client: str | None = None) -> Case:
    if into.pk == case.pk:
        raise Refused(_("A case cannot be merged into itself."))
    with transaction.atomic():
        case, notices = _move(
            "merge",
            case=case,
            version=version,
            actor=actor,
            client=client,
            into=into.submission.tracking_number,
        )
        case.merged_into = into
        case.save(update_fields=["merged_into"])
        notices += _outcome(case, actor=actor, client=client)
        notices_dispatch_on_commit(notices)
    return case


def case_reopen(*, case: Case, version: int, actor, reason: str, client: str | None = None) -> Case:
    if not reason.strip():
        raise Refused(_("Give the reason for reopening the case."))
    with transaction.atomic():
        case, notices = _move(
            "reopen", case=case, version=version, actor=actor, client=client, reason=reason
        )
        notices_dispatch_on_commit(notices)
    return case


# --- Changes within a stage -------------------------------------------------------------------


def allegation_findings_record(
    *, case: Case, version: int, actor, findings: dict[int, str], client: str | None = None
) -> Case:
    """Record the finding of each allegation (by allegation id)."""
    with transaction.atomic():
        locked = _locked(case, version)
        if locked.status != S.INVESTIGATING or not may_work_on(actor, locked):
            raise Refused(
                _("Findings are recorded by the assigned investigator during the investigation.")
            )
        changed = {}
        for allegation in locked.allegations.select_for_update():
            finding = findings.get(allegation.pk)
            if finding is None or finding == allegation.finding:
                continue
            if finding and finding not in Finding.values:
                raise Refused(_("Choose one of the listed findings."))
            allegation.finding = finding
            allegation.save(update_fields=["finding"])
            changed[str(allegation.pk)] = finding
        _bump(locked)
        audit_record(
            action=AuditAction.CASE_RECORD_FINDINGS,
            case=locked,
            actor=actor,
            client=client,
            findings=changed,
        )
    return locked


def allegation_add(
    *,
    case: Case,
    version: int,
    actor,
    category: str,
    involved: InvolvedEmployee | None,
    client: str | None = None,
) -> Allegation:
    with transaction.atomic():
        locked = _locked(case, version)
        if not locked.is_open or not can(actor, Action.WORK):
            raise Refused(_("Allegations can be added only to an open case."))
        if category not in AllegationCategory.values:
            raise Refused(_("Choose one of the listed categories."))
        allegation = Allegation.objects.create(case=locked, category=category, involved=involved)
        _bump(locked)
        audit_record(
            action=AuditAction.CASE_ADD_ALLEGATION,
            case=locked,
            actor=actor,
            client=client,
            category=category,
            involved=involved.pk if involved else None,
        )
    return allegation


def involved_employee_confirm(
    *,
    case: Case,
    version: int,
    actor,
    involved: InvolvedEmployee,
    employee: Employee | None,
    client: str | None = None,
) -> InvolvedEmployee:
    """Confirm or change who in the roster a named employee is (None: not in the roster)."""
    with transaction.atomic():
        locked = _locked(case, version)
        if involved.submission_id != locked.submission_id or not can(actor, Action.WORK):
            raise Refused(_("Your role does not allow this step."))
        previous = involved.employee_id
        involved.employee = employee
        involved.match_state = (
            InvolvedEmployee.MatchState.CONFIRMED
            if employee
            else InvolvedEmployee.MatchState.NOT_FOUND
        )
        involved.save(update_fields=["employee", "match_state"])
        _bump(locked)
        audit_record(
            action=AuditAction.CASE_CONFIRM_MATCH,
            case=locked,
            actor=actor,
            client=client,
            involved=involved.pk,
            previous=previous,
            employee=employee.dsn if employee else None,
        )
    return involved


def case_due_extend(
    *, case: Case, version: int, actor, new_due: date, reason: str, client: str | None = None
) -> DueDateExtension:
    """Move the due date (the commander's call), keeping the reason."""
    if not reason.strip():
        raise Refused(_("Give the reason for the extension."))
    with transaction.atomic():
        locked = _locked(case, version)
        if not can(actor, Action.EXTEND):
            raise Refused(_("Only the commander can extend a due date."))
        if not locked.is_open:
            raise Refused(_("A closed case has no due date to extend."))
        if new_due <= locked.due_date:
            raise Refused(_("The new due date must be later than the current one."))
        extension = DueDateExtension.objects.create(
            case=locked,
            previous_due=locked.due_date,
            new_due=new_due,
            reason=reason,
            extended_by=actor,
        )
        locked.due_date = new_due
        _bump(locked, "due_date")
        locked.submission.next_step_due = new_due
        locked.submission.save(update_fields=["next_step_due"])
        audit_record(
            action=AuditAction.CASE_EXTEND,
            case=locked,
            actor=actor,
            client=client,
            previous_due=str(extension.previous_due),
            new_due=str(new_due),
            reason=reason,
        )
    return extension


# --- Helpers ------------------------------------------------------------------------------------


def _allegations_from_complaint(case: Case) -> list[Allegation]:
    existing = list(case.allegations.select_related("involved__employee__supervisor"))
    if existing:
        return existing
    categories = [c for c in case.submission.categories if c in AllegationCategory.values] or [
        AllegationCategory.OTHER
    ]
    people: list[InvolvedEmployee | None] = list(case.submission.employees.all()) or [None]
    Allegation.objects.bulk_create(
        Allegation(case=case, category=category, involved=person)
        for category in categories
        for person in people
    )
    return list(case.allegations.select_related("involved__employee__supervisor"))


def _notices_of_complaint(
    case: Case, allegations: list[Allegation], *, actor, client: str | None
) -> list:
    """One notice per employee named in an allegation and one to their supervisor; the
    complainant's identity is never part of it."""
    by_employee: dict[int, tuple[Employee, list[str]]] = {}
    confirmed = {InvolvedEmployee.MatchState.MATCHED, InvolvedEmployee.MatchState.CONFIRMED}
    for allegation in allegations:
        person = allegation.involved
        if person is None or person.employee is None or person.match_state not in confirmed:
            continue
        with translation.override("en"):
            label = str(allegation.get_category_display())
        by_employee.setdefault(person.employee.pk, (person.employee, []))[1].append(label)
    notices = []
    for employee, labels in by_employee.values():
        context = {
            "employee_name": f"{employee.rank} {employee.first_name} {employee.last_name}".strip(),
            "allegations": labels,
            "due_date": str(case.due_date),
        }
        notices += notices_to_employee_and_supervisor(
            submission=case.submission,
            employee=employee,
            employee_kind=Notice.Kind.COMPLAINT_EMPLOYEE,
            supervisor_kind=Notice.Kind.COMPLAINT_SUPERVISOR,
            context=context,
        )
    for notice in notices:
        _audit_notice(case, notice, actor=actor, client=client)
    return notices


def _outcome(case: Case, *, actor, client: str | None, findings: list[str] | None = None) -> list:
    return _to_complainant(
        case,
        kind=Notice.Kind.OUTCOME,
        occasion=f"v{case.version}",
        context={
            "ending": case.status,
            "findings": findings or [],
            "referred_to": case.referred_to,
            "referral_letter": case.referral_letter,
        },
        actor=actor,
        client=client,
    )
