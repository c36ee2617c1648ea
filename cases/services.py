"""Case work that is not a step of the workflow: notes, messages to the complainant, the
complaints staff enter for people who phoned, wrote or came in, and due-date reminders."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from intake.attachments import CheckedAttachment
from intake.models import Message, Submission
from intake.services import Receipt, SubmissionData, submission_create
from notices.dispatch import notices_dispatch_on_commit
from notices.models import Notice
from notices.services import notice_queue, notice_send_again, notice_to_submitter
from ops.refusals import Refused
from staff import roles

from .models import Case, CaseNote
from .permissions import Action, can
from .workflow import _audit_notice

logger = logging.getLogger(__name__)

STAFF_CHANNELS = (
    Submission.Channel.PHONE,
    Submission.Channel.LETTER,
    Submission.Channel.EMAIL,
    Submission.Channel.IN_PERSON,
)


def case_note_add(*, case: Case, actor, body: str, client: str | None = None) -> CaseNote:
    """Add an internal note. Notes are only ever added, never edited."""
    if not can(actor, Action.WORK):
        raise Refused(_("Your role does not allow this step."))
    if not body.strip():
        raise Refused(_("Write the note before saving it."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=actor, body=body)
        audit_record(
            action=AuditAction.CASE_ADD_NOTE,
            case=case,
            actor=actor,
            client=client,
            note=note.pk,
        )
    return note


def case_notice_send_again(
    *, case: Case, notice_id: int, actor, client: str | None = None
) -> Notice:
    """Send again a notice of this case whose outcome is unknown (the email provider never
    answered, so the recipient may or may not have it). A person decides, since the email
    may then arrive twice; the decision is in the audit trail."""
    if not can(actor, Action.WORK):
        raise Refused(_("Your role does not allow this step."))
    notice = case.submission.notices.filter(pk=notice_id).first()
    if notice is None or notice.state != Notice.State.UNKNOWN:
        raise Refused(_("Only a notice whose outcome is unknown is sent again from here."))
    with transaction.atomic():
        if not notice_send_again(notice=notice):
            raise Refused(_("This notice has been settled meanwhile; it is not sent again."))
        audit_record(
            action=AuditAction.NOTICE_QUEUE,
            case=case,
            actor=actor,
            client=client,
            notice=notice.pk,
            kind=notice.kind,
            again="outcome unknown",
        )
    return notice


def case_message_send(*, case: Case, actor, body: str, client: str | None = None) -> Message:
    """Write to the complainant: the message joins the thread on their status link, and when
    they gave an email address they get a notice in their language to come and read it."""
    if not can(actor, Action.WORK):
        raise Refused(_("Your role does not allow this step."))
    if not body.strip():
        raise Refused(_("Write the message before sending it."))
    with transaction.atomic():
        submission = case.submission
        message = Message.objects.create(
            submission=submission, author=Message.Author.STAFF, staff_user=actor, body=body
        )
        audit_record(
            action=AuditAction.CASE_MESSAGE,
            submission=submission,
            case=case,
            actor=actor,
            client=client,
            message=message.pk,
        )
        notice = notice_to_submitter(
            submission=submission, kind=Notice.Kind.MESSAGE, occasion=f"message-{message.pk}"
        )
        _audit_notice(case, notice, actor=actor, client=client)
        notices_dispatch_on_commit([notice])
    return message


def staff_complaint_enter(
    *,
    data: SubmissionData,
    actor,
    idempotency_key: str,
    attachments: list[CheckedAttachment] | None = None,
) -> Receipt:
    """Store a complaint that came by phone, letter, email or in person through the same
    service as the public form, so the registry holds every complaint."""
    if not can(actor, Action.INTAKE):
        raise Refused(_("Your role does not allow this step."))
    if data.channel not in STAFF_CHANNELS:
        raise Refused(_("Choose how the complaint came in."))
    receipt = submission_create(
        data=data, attachments=attachments, idempotency_key=idempotency_key, entered_by=actor
    )
    logger.info(
        "complaint %s entered by %s (%s)",
        receipt.submission.tracking_number,
        actor.pk,
        data.channel,
    )
    return receipt


def due_reminders_queue(*, today: date | None = None) -> dict[str, int]:
    """Remind each assignee once before their case falls due and alert the commanders once when
    it is overdue. One notice per case and due date: running twice, or every hour, sends
    nothing twice; an extended due date is a new occasion."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.CANDOR_DUE_REMINDER_DAYS)
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).select_related(
        "submission", "assignee"
    )
    notices: list = []
    reminded = 0
    for case in open_cases.filter(
        assignee__isnull=False, due_date__gte=today, due_date__lte=soon
    ).exclude(assignee__email=""):
        assignee = case.assignee
        if assignee is None:  # excluded by the query; says so to the type checker
            continue
        with transaction.atomic():
            notice = notice_queue(
                submission=case.submission,
                kind=Notice.Kind.DUE_REMINDER,
                recipient_email=assignee.email,
                recipient_name=assignee.get_full_name(),
                occasion=f"due-{case.due_date}",
                context={"due_date": str(case.due_date), "case_id": case.pk},
            )
            if notice:
                reminded += 1
                _audit_notice(case, notice, actor=None, client=None)
                notices.append(notice)
    commanders = list(
        get_user_model()
        .objects.filter(groups__name=roles.BPS_COMMANDER, is_active=True)
        .exclude(email="")
    )
    alerted = 0
    for case in open_cases.filter(due_date__lt=today):
        for commander in commanders:
            if not case.queue.members.filter(pk=commander.pk).exists():
                continue
            with transaction.atomic():
                notice = notice_queue(
                    submission=case.submission,
                    kind=Notice.Kind.OVERDUE_ALERT,
                    recipient_email=commander.email,
                    recipient_name=commander.get_full_name(),
                    occasion=f"overdue-{case.due_date}",
                    context={
                        "due_date": str(case.due_date),
                        "case_id": case.pk,
                        "assignee": case.assignee.get_full_name() if case.assignee else "",
                    },
                )
                if notice:
                    alerted += 1
                    _audit_notice(case, notice, actor=None, client=None)
                    notices.append(notice)
    notices_dispatch_on_commit(notices)
    return {"reminders": reminded, "overdue_alerts": alerted}
