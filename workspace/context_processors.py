"""The staff menu for templates/staff/base.html, worked out only when a page shows it."""

from functools import partial

from django.utils.functional import SimpleLazyObject

from .menu import menu_for


def staff_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", bool)():
        return {}
    # Worked out when the template first asks for it, once however often it does, and never
    # on public pages.
    return {"staff_menu": SimpleLazyObject(partial(menu_for, user, path=request.path))}
