"""The audit trail: who saw or changed what, when and from where. Append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every action the trail records, named `<object>.<verb>[_<what>]`; the stored code stays
    stable, the label is how it reads to staff."""

    CASE_VIEW = "case.view", _("Viewed the case")
    CASE_VIEW_ATTACHMENT = "case.view_attachment", _("Previewed an attachment")
    CASE_DOWNLOAD_ATTACHMENT = "case.download_attachment", _("Downloaded an attachment")
    CASE_DOWNLOAD_ORIGINAL = "case.download_original", _("Downloaded an attachment as received")
    CASE_EXPORT_AUDIT = "case.export_audit", _("Exported the audit trail")
    CASE_TRIAGE = "case.triage", _("Started triage")
    CASE_ASSIGN = "case.assign", _("Assigned the case")
    CASE_OPEN = "case.open", _("Opened the investigation")
    CASE_RECORD_FINDINGS = "case.record_findings", _("Recorded findings")
    CASE_SUBMIT_FINDINGS = "case.submit_findings", _("Submitted findings")
    CASE_RETURN_FINDINGS = "case.return_findings", _("Returned findings")
    CASE_APPROVE = "case.approve", _("Approved findings")
    CASE_CLOSE = "case.close", _("Closed the case")
    CASE_MEDIATE = "case.mediate", _("Resolved by mediation")
    CASE_REFER = "case.refer", _("Referred elsewhere")
    CASE_MERGE = "case.merge", _("Merged as duplicate")
    CASE_REOPEN = "case.reopen", _("Reopened the case")
    CASE_EXTEND = "case.extend", _("Extended the due date")
    CASE_ADD_NOTE = "case.add_note", _("Added an internal note")
    CASE_MESSAGE = "case.message", _("Wrote to the complainant")
    CASE_ADD_ALLEGATION = "case.add_allegation", _("Added an allegation")
    CASE_CONFIRM_MATCH = "case.confirm_match", _("Confirmed a roster match")
    NOTICE_QUEUE = "notice.queue", _("Queued a notice")
    COMMENDATION_VIEW = "commendation.view", _("Viewed the commendation")
    COMMENDATION_CONFIRM_EMPLOYEE = "commendation.confirm_employee", _("Confirmed the employee")
    COMMENDATION_RESEND_NOTICE = "commendation.resend_notice", _("Sent a notice again")
    COMMENDATION_TELL_CITIZEN = "commendation.tell_citizen", _("Told the citizen")
    COMMENDATION_SHARE = "commendation.share", _("Marked for public sharing")
    COMMENDATION_UNSHARE = "commendation.unshare", _("Withdrew from public sharing")
    COMMENDATION_PRINT_LETTER = "commendation.print_letter", _("Printed the letter")
    LETTER_VIEW = "letter.view", _("Viewed a paper letter")
    LETTER_MARK_POSTED = "letter.mark_posted", _("Marked a paper letter posted")
    QUARANTINE_RELEASE = "quarantine.release", _("Released from quarantine")
    QUARANTINE_DISCARD = "quarantine.discard", _("Discarded as spam")
    EMPLOYEE_VIEW_HISTORY = "employee.view_history", _("Viewed the employee's history")
    FLAG_RAISE = "flag.raise", _("Raised an early-intervention flag")
    FLAG_CHANGE_STATE = "flag.change_state", _("Changed an early-intervention flag")
    RETENTION_ANONYMISE = "retention.anonymise", _("Anonymised under the retention schedule")
    HOLD_PLACE = "hold.place", _("Placed a legal hold")
    HOLD_LIFT = "hold.lift", _("Lifted a legal hold")


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes bypass Model.save/delete, so they are refused here too; the
    database refuses them as well (PostgreSQL trigger, cases migration 0003)."""

    def update(self, **kwargs):
        raise ValueError("Audit events are append-only.")

    def delete(self):
        raise ValueError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Append-only trail of every view and change of a case or commendation, and of what is
    looked at or decided about an employee (early intervention), which has no submission."""

    # By name: the trail sits below the rooms that write to it (see tests/test_layers.py).
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    submission = models.ForeignKey(
        "intake.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    employee = models.ForeignKey(
        "directory.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="audit"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "cases_auditevent"  # the table it had before it moved here
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission__isnull=False) | models.Q(employee__isnull=False),
                name="audit_event_is_about_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")

    @property
    def label(self) -> str:
        return self.get_action_display()
