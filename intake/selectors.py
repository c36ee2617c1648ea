from .models import Submission
from .tracking import status_token_digest


def submission_by_status_token(token: str) -> Submission | None:
    """The submission a status link points to, or None; a wrong token and a missing one look
    the same."""
    if not token or len(token) > 100:
        return None
    return Submission.objects.filter(status_token_digest=status_token_digest(token)).first()


def quarantine_held():
    """Submissions held as suspected spam and not yet judged, oldest first."""
    return Submission.objects.filter(quarantined=True, quarantine_decision="").order_by(
        "received_at", "id"
    )
