"""The audit trail: who saw or changed what, when and from where. Append-only."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from intake.models import Submission
from ops.clients import client_address

from .models import AuditEvent, Case

# How each recorded action reads on the case page; the stored action stays a stable code.
ACTION_LABELS = {
    "case.view": _("Viewed the case"),
    "case.attachment_view": _("Previewed an attachment"),
    "case.attachment_download": _("Downloaded an attachment"),
    "case.audit_export": _("Exported the audit trail"),
    "case.triage": _("Started triage"),
    "case.assign": _("Assigned the case"),
    "case.open": _("Opened the investigation"),
    "case.findings": _("Recorded findings"),
    "case.submit_findings": _("Submitted findings"),
    "case.return_findings": _("Returned findings"),
    "case.approve": _("Approved findings"),
    "case.close": _("Closed the case"),
    "case.mediate": _("Resolved by mediation"),
    "case.refer": _("Referred elsewhere"),
    "case.merge": _("Merged as duplicate"),
    "case.reopen": _("Reopened the case"),
    "case.extend": _("Extended the due date"),
    "case.note": _("Added an internal note"),
    "case.message": _("Wrote to the complainant"),
    "case.allegation_add": _("Added an allegation"),
    "case.employee_match": _("Confirmed a roster match"),
    "notice.queued": _("Queued a notice"),
}


def action_label(action: str):
    return ACTION_LABELS.get(action, action)


def audit_record(
    *,
    action: str,
    submission: Submission,
    actor=None,
    case: Case | None = None,
    request: HttpRequest | None = None,
    **detail,
) -> AuditEvent:
    """Record one view, download, change or notice of a submission (and its case, if any)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        submission=submission,
        case=case,
        actor=actor,
        ip_address=client_address(request),
        detail=detail,
    )
