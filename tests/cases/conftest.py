from routing.services import submission_route
from tests.factories import complaint
from tests.staff import current_code, sign_in, staff_member

__all__ = ["current_code", "sign_in", "staff_member", "routed_complaint"]


def routed_complaint(**kwargs):
    receipt = complaint(**kwargs)
    submission_route(submission_id=receipt.submission.pk)
    receipt.submission.refresh_from_db()
    return receipt.submission
