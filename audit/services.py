"""Writing the audit trail. Every view, download, change and notice of a submission goes
through audit_record; nothing else writes AuditEvent rows."""

from .models import AuditAction, AuditEvent


def audit_record(
    *,
    action: AuditAction,
    submission=None,
    actor=None,
    case=None,
    employee=None,
    client: str | None = None,
    **detail,
) -> AuditEvent:
    """Record one view, download, change or notice of a submission (and its case, if any), or
    of what is looked at or decided about an employee, by `actor` (None for the system) from
    the client address `client`."""
    if submission is None and employee is None:
        raise ValueError("An audit event is about a submission or an employee.")
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=AuditAction(action),
        submission=submission,
        employee=employee,
        case=case,
        actor=actor,
        ip_address=client,
        detail=detail,
    )
