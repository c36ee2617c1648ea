"""The staff home: where each person lands after signing in, showing the work of each of their
roles, each piece with a link to the full list. The lists come from the rooms that own them
(their selectors); this room only puts them on one page, which is why it sits above them all."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.filters import AuditFilter
from audit.permissions import may_search_audit
from cases.selectors import (
    COUNT_CAP,
    commander_work,
    count_up_to,
    due_soon_until,
    investigator_work,
    overdue_by_assignee,
)
from commendations.permissions import may_work_commendations
from commendations.selectors import chiefs_office_work
from intake.permissions import may_judge_quarantine
from intake.selectors import quarantine_held
from notices.selectors import letters_to_post
from staff import roles
from staff.roles import user_roles

PANEL_ROWS = 8


@dataclass
class Panel:
    """One piece of work: how many, the first few, and where the rest are."""

    name: str
    title: object
    rows_template: str
    count: int = 0
    rows: list = field(default_factory=list)
    more_url: str = ""
    empty: object = ""
    show_assignee: bool = True

    def __post_init__(self):
        # Every panel counts as the case list does, no further than "more than COUNT_CAP", so
        # that its full list gives the same number.
        self.count = min(self.count, COUNT_CAP + 1)

    @property
    def more_than(self) -> int | None:
        """COUNT_CAP when there are more (the count stopped there), else None."""
        return COUNT_CAP if self.count > COUNT_CAP else None


def _panel(name, title, queryset, rows_template, more_url, empty, **options) -> Panel:
    # Always counted, so the page makes the same queries however much work there is; counted
    # no further than the panel shows (at 100,000 cases, counting every unassigned one to the
    # last was a fifth of the commander's page).
    rows = list(queryset[:PANEL_ROWS])
    count = count_up_to(queryset, cap=COUNT_CAP)
    return Panel(name, title, rows_template, count, rows, more_url, empty, **options)


def _cases_url(**params) -> str:
    return f"{reverse('cases:list')}?{urlencode(params)}"


@never_cache
@require_safe
def home(request):
    user = request.user
    held = user_roles(user)
    today = timezone.localdate()
    sections = []
    case_rows = "workspace/_case_rows.html"

    if roles.INVESTIGATOR in held:
        work = investigator_work(user=user, today=today)
        soon_days = (due_soon_until(today) - today).days
        mine = {"assignee": user.pk, "open": "on"}
        sections.append(
            (
                _("Your cases"),
                [
                    _panel(
                        "mine",
                        _("Assigned to you"),
                        work["mine"],
                        case_rows,
                        _cases_url(**mine),
                        _("No open case is assigned to you."),
                        show_assignee=False,
                    ),
                    _panel(
                        "due-soon",
                        ngettext("Due within %(days)s day", "Due within %(days)s days", soon_days)
                        % {"days": soon_days},
                        work["due_soon"],
                        case_rows,
                        _cases_url(
                            **mine,
                            due_from=today.isoformat(),
                            due_to=due_soon_until(today).isoformat(),
                        ),
                        _("Nothing of yours falls due this week."),
                        show_assignee=False,
                    ),
                    _panel(
                        "overdue",
                        _("Overdue"),
                        work["overdue"],
                        case_rows,
                        _cases_url(assignee=user.pk, overdue="on"),
                        _("None of your cases is overdue."),
                        show_assignee=False,
                    ),
                    _panel(
                        "messages",
                        _("New messages from complainants"),
                        work["awaiting_reply"],
                        case_rows,
                        _cases_url(**mine, awaiting_reply="on"),
                        _("No complainant is waiting for an answer."),
                        show_assignee=False,
                    ),
                    _panel(
                        "unassigned-mine",
                        _("Unassigned in your queues"),
                        work["unassigned"],
                        case_rows,
                        _cases_url(unassigned="on", open="on"),
                        _("Every case in your queues has an investigator."),
                    ),
                ],
            )
        )

    if roles.BPS_COMMANDER in held:
        work = commander_work(user=user)
        overdue = overdue_by_assignee(user=user, today=today)
        sections.append(
            (
                _("Command"),
                [
                    _panel(
                        "to-approve",
                        _("Findings waiting for your approval"),
                        work["to_approve"],
                        case_rows,
                        _cases_url(status="findings_submitted"),
                        _("No findings are waiting."),
                    ),
                    Panel(
                        "overdue-by-investigator",
                        _("Overdue, by investigator"),
                        "workspace/_overdue_rows.html",
                        sum(row.count for row in overdue),
                        overdue,
                        _cases_url(overdue="on"),
                        _("No case is overdue."),
                    ),
                    _panel(
                        "unassigned",
                        _("Unassigned"),
                        work["unassigned"],
                        case_rows,
                        _cases_url(unassigned="on", open="on"),
                        _("Every open case has an investigator."),
                    ),
                ],
            )
        )

    if may_work_commendations(user):
        work = chiefs_office_work(user=user)
        inbox = reverse("commendations:inbox")
        sections.append(
            (
                _("Commendations"),
                [
                    _panel(
                        "to-confirm",
                        _("Waiting for you to confirm the employee"),
                        work["to_confirm"],
                        "workspace/_commendation_rows.html",
                        inbox,
                        _("Every commendation's employee is confirmed."),
                    ),
                    _panel(
                        "unacknowledged",
                        _("Not yet acknowledged by the employee"),
                        work["unacknowledged"],
                        "workspace/_commendation_rows.html",
                        inbox,
                        _("Every employee has acknowledged their commendation."),
                    ),
                ],
            )
        )

    if roles.INTAKE_COORDINATOR in held:
        panels = []
        if may_judge_quarantine(user):
            panels.append(
                _panel(
                    "quarantine",
                    _("Held as suspected spam"),
                    quarantine_held(),
                    "workspace/_quarantine_rows.html",
                    reverse("intake:quarantine"),
                    _("Nothing is waiting in quarantine."),
                )
            )
        panels.append(
            _panel(
                "letters",
                _("Letters to post"),
                letters_to_post(user),
                "workspace/_letter_rows.html",
                reverse("notices:letters"),
                _("No letter is waiting to be posted."),
            )
        )
        sections.append((_("Intake"), panels))

    audit_form = AuditFilter().form if may_search_audit(user) else None
    administration = roles.ADMINISTRATOR in held or user.is_staff
    return render(
        request,
        "workspace/home.html",
        {
            "sections": sections,
            "audit_form": audit_form,
            "administration": administration and user.is_staff,
            "nothing": not sections and audit_form is None and not administration,
        },
    )
