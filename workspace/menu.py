"""The staff menu: every staff page, each shown only to those who may use it. Whether a person
may is asked of the page's own room (its permissions.py), so the menu cannot offer a page that
would answer 404, nor hide one that would not. An entry is one line."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.permissions import may_search_audit
from cases.permissions import Action, can, has_case_role
from commendations.permissions import may_work_commendations
from intake.permissions import may_judge_quarantine
from intervention.permissions import may_see_flags
from notices.permissions import may_post_letters
from reports.permissions import may_read_reports
from retention.permissions import may_see_retention


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: object  # lazy translated
    allowed: Callable[[object], bool]


def _anyone(user) -> bool:
    return True


def _administrator(user) -> bool:
    # Django's admin lets in active staff accounts; the menu offers it to them.
    return user.is_active and user.is_staff


MENU = [
    MenuEntry("workspace:home", _("Home"), _anyone),
    MenuEntry("cases:queues", _("Queues"), has_case_role),
    MenuEntry("cases:list", _("Cases"), has_case_role),
    MenuEntry("cases:staff-complaint", _("Enter a complaint"), lambda u: can(u, Action.INTAKE)),
    MenuEntry("intake:quarantine", _("Quarantine"), may_judge_quarantine),
    MenuEntry("notices:letters", _("Letters to post"), may_post_letters),
    MenuEntry("commendations:inbox", _("Commendations"), may_work_commendations),
    MenuEntry("audit:search", _("Audit trail"), may_search_audit),
    MenuEntry("intervention:flags", _("Early intervention"), may_see_flags),
    MenuEntry("reports:summary", _("Reports"), may_read_reports),
    MenuEntry("retention:page", _("Retention"), may_see_retention),
    MenuEntry("admin:index", _("Administration"), _administrator),
]


@dataclass(frozen=True)
class MenuItem:
    label: object
    url: str
    current: bool


def menu_for(user, *, path: str) -> list[MenuItem]:
    """The entries this person may use, the one for `path` marked current."""
    items = []
    for entry in MENU:
        if not entry.allowed(user):
            continue
        url = reverse(entry.url_name)
        home = entry.url_name == "workspace:home"
        items.append(MenuItem(entry.label, url, path == url if home else path.startswith(url)))
    return items
