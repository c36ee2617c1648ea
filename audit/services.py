"""Writing the audit trail. Every view, download, change and notice of a submission goes
through audit_record; nothing else writes AuditEvent rows."""

from .models import AuditAction, AuditEvent


def audit_record(
    *,
    action: AuditAction,
    submission=None,
    actor=None,
    case=None,
    about_employee=None,
    client: str | None = None,
    **detail,
) -> AuditEvent:
    """Record one view, download, change or notice of a submission (or of its case, which
    names the submission), or of what is looked at or decided about an employee
    (`about_employee`; `employee` stays free for the detail, where callers name a DSN), by
    `actor` (None for the system) from the client address `client`."""
    if submission is None and case is not None:
        submission = case.submission
    if submission is None and about_employee is None:
        raise ValueError("An audit event is about a submission or an employee.")
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=AuditAction(action),
        submission=submission,
        employee=about_employee,
        case=case,
        actor=actor,
        ip_address=client,
        detail=detail,
    )
