"""What the staff menu offers: the retention page for those who may see it."""

from .permissions import may_see_retention


def staff_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_see_retention": may_see_retention(user)}
