"""The audit trail: who saw or changed what, when and from where. Append-only."""

from django.http import HttpRequest

from intake.models import Submission

from .models import AuditEvent, Case


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as Django sees it. A deployment behind a proxy sets REMOTE_ADDR
    from the trusted proxy's header before this runs; a spoofable header is never read here."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
