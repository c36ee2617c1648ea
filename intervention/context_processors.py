"""What the staff menu offers: the flag list for those who may see it."""

from .permissions import may_see_flags


def staff_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_see_flags": may_see_flags(user)}
