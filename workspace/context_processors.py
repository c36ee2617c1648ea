"""The staff menu for templates/staff/base.html, worked out only when a page shows it."""

from functools import partial

from .menu import menu_for


def staff_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", bool)():
        return {}
    # A callable: the template calls it when it renders the menu, and public pages never do.
    return {"staff_menu": partial(menu_for, user, path=request.path)}
