"""Closing the loop on a compliment: who it is about, telling them and their supervisor,
telling the citizen, and sharing it publicly when the submitter allowed it. Every staff action
is in the audit trail."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from directory.models import Employee
from intake.models import InvolvedEmployee
from notices.dispatch import notices_dispatch_on_commit
from notices.models import Notice
from notices.services import (
    notice_queue,
    notices_build_to_employee_and_supervisor,
    notices_store,
    paper_letter_for,
)
from ops.refusals import Refused

from .models import Commendation

COMMENDATION_KINDS = [Notice.Kind.COMMENDATION_EMPLOYEE, Notice.Kind.COMMENDATION_SUPERVISOR]


def commendation_notices_queue(*, commendation: Commendation) -> list[Notice]:
    """Queue the commendation to the employee and to their supervisor (once each, whatever
    runs twice). Call inside the transaction that identified the employee; dispatch the
    returned rows after commit."""
    return notices_store(commendation_notices_build(commendation=commendation))


def commendation_notices_build(*, commendation: Commendation) -> list[Notice | None]:
    """The commendation's notices to the employee and to their supervisor, not yet stored
    (notices_store); none while nobody is named."""
    employee = commendation.employee
    if employee is None:
        return []
    context = {
        "employee_name": employee.full_name,
        "employee_rank": employee.rank,
        "unit": employee.unit.name,
    }
    return notices_build_to_employee_and_supervisor(
        submission=commendation.submission,
        employee=employee,
        employee_kind=Notice.Kind.COMMENDATION_EMPLOYEE,
        supervisor_kind=Notice.Kind.COMMENDATION_SUPERVISOR,
        context=context,
    )


def commendation_for(*, submission, rule, employee: Employee | None) -> Commendation:
    """Routing's part: a compliment's entry in its rule's queue, not yet stored. A confident
    roster match (`employee`) names the employee at once, and its notices follow
    (commendation_notices_build); otherwise the Chief's office names them."""
    return Commendation(
        submission=submission,
        queue=rule.queue,
        rule=rule,
        rule_name=rule.name,
        employee=employee,
        status=(
            Commendation.Status.RECEIVED
            if employee is None
            else Commendation.Status.EMPLOYEE_CONFIRMED
        ),
    )


def commendation_employee_confirm(
    *,
    commendation: Commendation,
    employee: Employee,
    actor,
    client: str | None = None,
) -> Commendation:
    """The Chief's office confirms (or corrects) who the compliment is about. The first
    confirmation sends the commendation to the employee and their supervisor; a correction
    to someone else sends it to the new employee and their supervisor."""
    if not employee.active:
        raise Refused(
            _("%(name)s is no longer active in the roster.") % {"name": employee.full_name}
        )
    with transaction.atomic():
        commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
        previous = commendation.employee
        commendation.employee = employee
        commendation.confirmed_by = actor
        commendation.confirmed_at = timezone.now()
        if commendation.status == Commendation.Status.RECEIVED:
            commendation.status = Commendation.Status.EMPLOYEE_CONFIRMED
        commendation.save(update_fields=["employee", "confirmed_by", "confirmed_at", "status"])
        involved = commendation.submission.employees.order_by("id").first()
        if involved is not None:
            involved.employee = employee
            involved.match_state = InvolvedEmployee.MatchState.CONFIRMED
            involved.save(update_fields=["employee", "match_state"])
        notices = commendation_notices_queue(commendation=commendation)
        audit_record(
            action=AuditAction.COMMENDATION_CONFIRM_EMPLOYEE,
            submission=commendation.submission,
            actor=actor,
            client=client,
            employee=employee.dsn,
            previous=previous.dsn if previous else None,
        )
        notices_dispatch_on_commit(notices)
    return commendation


def commendation_notice_resend(
    *, notice: Notice, email: str, actor, client: str | None = None
) -> Notice | None:
    """Send a commendation notice again, to a corrected address: one that bounced or failed,
    or one whose outcome is unknown (the email provider never answered; a person decides,
    since it may then arrive twice)."""
    if notice.kind not in COMMENDATION_KINDS:
        raise Refused(_("Only commendation notices are resent from here."))
    if notice.state not in (Notice.State.BOUNCED, Notice.State.FAILED, Notice.State.UNKNOWN):
        raise Refused(_("Only a notice that bounced or failed is sent again."))
    with transaction.atomic():
        attempt = Notice.objects.filter(submission=notice.submission, kind=notice.kind).count()
        resent = notice_queue(
            submission=notice.submission,
            kind=notice.kind,
            recipient_email=email,
            recipient_name=notice.recipient_name,
            language=notice.language,
            employee=notice.employee,
            occasion=f"resend-{attempt}",
            context=notice.context,
        )
        audit_record(
            action=AuditAction.COMMENDATION_RESEND_NOTICE,
            submission=notice.submission,
            actor=actor,
            client=client,
            notice=notice.pk,
            kind=notice.kind,
            to=email,
        )
        notices_dispatch_on_commit([resent])
    return resent


def commendation_citizen_tell(
    *, commendation: Commendation, actor, client: str | None = None
) -> Notice | None:
    """Tell the citizen their compliment reached the employee: by email when they gave one,
    otherwise by a paper letter when they gave a mailing address."""
    submission = commendation.submission
    employee = commendation.employee
    if employee is None:
        raise Refused(_("Confirm the employee first."))
    if not submission.submitter_email and not submission.submitter_address.strip():
        raise Refused(_("The citizen left no email or mailing address."))
    with transaction.atomic():
        commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
        notice, created = Notice.objects.get_or_create(
            submission=submission,
            kind=Notice.Kind.COMMENDATION_DELIVERED,
            recipient_email=(submission.submitter_email or "").strip().lower(),
            occasion="",
            defaults={
                "recipient_name": submission.submitter_name,
                "language": submission.language,
                "context": {"employee_name": employee.full_name},
                # Without an email it goes on paper only; the row is the letter's text.
                "state": Notice.State.QUEUED if submission.submitter_email else Notice.State.FAILED,
                "last_error": "" if submission.submitter_email else "no email address",
                # Published after commit (below): written already marked as handed over.
                "dispatched_at": timezone.now() if submission.submitter_email else None,
            },
        )
        commendation.citizen_told_at = commendation.citizen_told_at or timezone.now()
        commendation.status = Commendation.Status.DELIVERED
        commendation.save(update_fields=["citizen_told_at", "status"])
        audit_record(
            action=AuditAction.COMMENDATION_TELL_CITIZEN,
            submission=submission,
            actor=actor,
            client=client,
            notice=notice.pk,
        )
        if submission.submitter_email:
            if created:
                notices_dispatch_on_commit([notice])
        else:
            paper_letter_for(notice=notice)
    return notice


def commendation_share_mark(
    *, commendation: Commendation, shared: bool, actor, client: str | None = None
) -> Commendation:
    """Mark (or unmark) a commendation for public sharing; only when the submitter allowed."""
    if shared and not commendation.submission.share_publicly:
        raise Refused(_("The citizen did not allow this compliment to be shared."))
    commendation.shared_publicly = shared
    commendation.save(update_fields=["shared_publicly"])
    audit_record(
        action=AuditAction.COMMENDATION_SHARE if shared else AuditAction.COMMENDATION_UNSHARE,
        submission=commendation.submission,
        actor=actor,
        client=client,
    )
    return commendation
