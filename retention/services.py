"""Anonymising what has passed its date, and legal holds.

Anonymising keeps what the statistics and the early-intervention history need: the tracking
number, every date, the kind and channel, the categories, the area, the employees named and
their units, the case's queue, status, allegations and findings. It removes the complainant's
(or citizen's) name, email, phone and mailing address, who they filed for, the account in their
words and the place, the witnesses, the description of the employee, the message texts, the
evidence (the originals as received and the cleaned copies), the paper letters' addresses, the
complainant's email on the notices sent to them, the referral letter and the internal notes;
the status link stops working. Each anonymisation is one transaction and one audit event;
evidence files are deleted once it has committed."""

import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from cases.models import Case, CaseNote
from commendations.models import Commendation
from intake.models import Attachment, InvolvedEmployee, Message, Submission, Witness
from notices.models import DeliveryEvent, Notice, PaperLetter
from ops.refusals import Refused

from .models import Anonymisation, LegalHold
from .selectors import Due, active_holds, due_for_anonymisation

logger = logging.getLogger(__name__)

REMOVED = "[removed under the retention schedule]"
# The notices written to the person who filed; the others went to staff and employees.
TO_SUBMITTER = [
    Notice.Kind.ACKNOWLEDGEMENT,
    Notice.Kind.STATUS_UPDATE,
    Notice.Kind.OUTCOME,
    Notice.Kind.MESSAGE,
    Notice.Kind.COMMENDATION_DELIVERED,
]


@dataclass
class Purge:
    due: list[Due] = field(default_factory=list)  # what was (or, in a dry run, would be) done
    skipped: int = 0  # held or done meanwhile


def retention_apply(
    *, today: date | None = None, dry_run: bool = False, limit: int | None = None
) -> Purge:
    """Anonymise everything whose retention period has run out (the beat task's and the
    management command's work). A dry run changes nothing and says what would go. Safe to run
    twice or at once: each submission is locked, and one already done or under a hold that was
    placed meanwhile is left alone."""
    today = today or timezone.localdate()
    purge = Purge()
    for due in due_for_anonymisation(today=today, limit=limit):
        if dry_run or submission_anonymise(due=due):
            purge.due.append(due)
        else:
            purge.skipped += 1
    return purge


def submission_anonymise(*, due: Due) -> bool:
    """Anonymise one submission; False when it is held or done already."""
    files: list = []
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=due.submission_id)
        if (
            active_holds().filter(submission=submission).exists()
            or Anonymisation.objects.filter(submission=submission).exists()
        ):
            return False
        email = submission.submitter_email
        removed = _anonymise(submission, email=email, files=files)
        Anonymisation.objects.create(submission=submission, outcome=due.outcome, due_on=due.due_on)
        audit_record(
            action=AuditAction.RETENTION_ANONYMISE,
            submission=submission,
            case=Case.objects.filter(submission=submission).first(),
            outcome=due.outcome,
            ended_on=str(due.ended_on),
            due_on=str(due.due_on),
            removed=removed,
        )
        transaction.on_commit(lambda: _delete_files(files, submission.tracking_number))
    return True


def _anonymise(submission: Submission, *, email: str, files: list) -> dict[str, int]:
    submission.submitter_name = ""
    submission.submitter_email = ""
    submission.submitter_phone = ""
    submission.submitter_address = ""
    submission.relationship = ""
    submission.other_person_contact = ""
    submission.location = ""
    submission.narrative = REMOVED
    # The status link's token no longer matches anything: a new digest nobody has the key to.
    submission.status_token_digest = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
    submission.save(
        update_fields=[
            "submitter_name",
            "submitter_email",
            "submitter_phone",
            "submitter_address",
            "relationship",
            "other_person_contact",
            "location",
            "narrative",
            "status_token_digest",
        ]
    )
    InvolvedEmployee.objects.filter(submission=submission).update(description="")
    witnesses, _by_kind = Witness.objects.filter(submission=submission).delete()
    messages = Message.objects.filter(submission=submission).update(body=REMOVED)
    attachments = list(Attachment.objects.filter(submission=submission))
    # The originals as received (with a photo's time and place) and the cleaned copies alike.
    files.extend(f for a in attachments for f in (a.file, a.original_file) if f)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    to_submitter = Notice.objects.filter(submission=submission, kind__in=TO_SUBMITTER)
    if email:
        to_submitter = to_submitter | Notice.objects.filter(
            submission=submission, recipient_email__iexact=email
        )
    notice_ids = list(to_submitter.values_list("pk", flat=True))
    Notice.objects.filter(pk__in=notice_ids).update(
        recipient_email="", recipient_name="", context={}, last_error=""
    )
    DeliveryEvent.objects.filter(notice_id__in=notice_ids).update(recipient="", description="")
    letters = PaperLetter.objects.filter(submission=submission).update(address=REMOVED)
    Case.objects.filter(submission=submission).update(referral_letter="")
    notes = CaseNote.objects.filter(case__submission=submission).update(body=REMOVED)
    Commendation.objects.filter(submission=submission).update(shared_publicly=False)
    return {
        "witnesses": witnesses,
        "messages": messages,
        "attachments": len(attachments),
        "notices": len(notice_ids),
        "letters": letters,
        "notes": notes,
    }


def _delete_files(files: list, number: str) -> None:
    for stored in files:
        try:
            stored.storage.delete(stored.name)
        except OSError:
            # The row is gone; the file is left for a person to remove, and says where.
            logger.exception("could not delete evidence file %s of %s", stored.name, number)


def legal_hold_place(
    *, submission: Submission, reason: str, actor, client: str | None = None
) -> LegalHold:
    """Stop every purge of this submission until the hold is lifted."""
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why the record is held."))
    with transaction.atomic():
        Submission.objects.select_for_update().get(pk=submission.pk)
        if Anonymisation.objects.filter(submission=submission).exists():
            raise Refused(_("This record was anonymised already; there is nothing left to hold."))
        if active_holds().filter(submission=submission).exists():
            raise Refused(_("This record is already under a legal hold."))
        hold = LegalHold.objects.create(submission=submission, reason=reason, placed_by=actor)
        audit_record(
            action=AuditAction.HOLD_PLACE,
            submission=submission,
            case=Case.objects.filter(submission=submission).first(),
            actor=actor,
            client=client,
            reason=reason,
        )
    return hold


def legal_hold_lift(*, hold: LegalHold, reason: str, actor, client: str | None = None) -> LegalHold:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why the hold is lifted."))
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().select_related("submission").get(pk=hold.pk)
        if locked.lifted_at is not None:
            raise Refused(_("This hold was lifted already."))
        locked.lifted_at = timezone.now()
        locked.lifted_by = actor
        locked.lift_reason = reason
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit_record(
            action=AuditAction.HOLD_LIFT,
            submission=locked.submission,
            case=Case.objects.filter(submission=locked.submission).first(),
            actor=actor,
            client=client,
            reason=reason,
        )
    return locked
