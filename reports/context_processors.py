"""What the staff menu offers: the reports link for those who may read them."""

from .permissions import may_read_reports


def staff_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_read_reports": may_read_reports(user)}
