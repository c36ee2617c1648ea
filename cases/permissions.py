"""Who sees and does what in the staff workspace. Every view asks here, for every object, on
every request; nothing else decides.

- Queue membership decides which cases a person sees; a confidential queue's cases are seen only
  by its members. The auditor reads every case and changes nothing.
- The administrator manages the roster, queues and rules and sees no case content unless they
  also hold a case role.
- Anything a person may not see answers 404, so its existence is not revealed.

The other rooms with staff pages keep their rules beside their code, each in its own
permissions.py: commendations/permissions.py (the Chief's office queue), notices/permissions.py
(paper letters to post), intake/permissions.py (judging quarantined submissions) and
reports/permissions.py (the annual statistical summary). Roles themselves are in staff/roles.py.
"""

import logging
from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404

from staff import roles
from staff.models import Queue
from staff.roles import user_roles

from .models import Case

logger = logging.getLogger("candor.access")

CASE_ROLES = {roles.INTAKE_COORDINATOR, roles.INVESTIGATOR, roles.BPS_COMMANDER, roles.AUDITOR}
WORKING_ROLES = {roles.INTAKE_COORDINATOR, roles.INVESTIGATOR, roles.BPS_COMMANDER}


class Action(StrEnum):
    VIEW = "view"
    WORK = "work"  # notes, messages, roster matches, allegations, findings
    CLAIM = "claim"  # assign to oneself
    ASSIGN = "assign"  # assign to anyone in the queue
    TRIAGE = "triage"
    APPROVE = "approve"
    EXTEND = "extend"
    CLOSE = "close"
    AUDIT = "audit"  # read the audit trail, export it
    INTAKE = "intake"  # enter a complaint that came by phone, letter, email or in person


# What each role may do to a case it can see.
ROLE_ACTIONS: dict[str, set[Action]] = {
    roles.INVESTIGATOR: {Action.VIEW, Action.WORK, Action.CLAIM},
    roles.INTAKE_COORDINATOR: {
        Action.VIEW,
        Action.WORK,
        Action.CLAIM,
        Action.ASSIGN,
        Action.TRIAGE,
        Action.INTAKE,
    },
    roles.BPS_COMMANDER: set(Action),
    roles.AUDITOR: {Action.VIEW, Action.AUDIT},
}


def allowed_actions(user) -> set[Action]:
    actions: set[Action] = set()
    for role in user_roles(user):
        actions |= ROLE_ACTIONS.get(role, set())
    return actions


def can(user, action: Action) -> bool:
    return action in allowed_actions(user)


def has_case_role(user) -> bool:
    return bool(user_roles(user) & CASE_ROLES)


def is_auditor(user) -> bool:
    return roles.AUDITOR in user_roles(user)


def queues_visible_to(user) -> QuerySet[Queue]:
    """The BPS queues whose cases the user may see."""
    if not has_case_role(user):
        return Queue.objects.none()
    queues = Queue.objects.filter(kind=Queue.Kind.BPS)
    if is_auditor(user):
        return queues
    return queues.filter(members=user)


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case the user may see, and no other."""
    if not has_case_role(user):
        return Case.objects.none()
    if is_auditor(user):
        return Case.objects.all()
    return Case.objects.filter(queue__in=Queue.objects.filter(members=user))


def case_for(user, *, pk: int, action: Action = Action.VIEW, queryset=None) -> Case:
    """The case, if the user may see it and do `action` to it; 404 otherwise, whatever the id."""
    queryset = queryset if queryset is not None else cases_visible_to(user)
    case = queryset.filter(pk=pk).first()
    if case is None or not can(user, action):
        logger.warning("refused %s on case %s to user %s", action, pk, user.pk)
        raise Http404
    return case


def require(user, action: Action) -> None:
    """For pages that are not about one case (staff intake, audit export)."""
    if not can(user, action):
        logger.warning("refused %s to user %s", action, user.pk)
        raise Http404


def may_work_on(user, case: Case) -> bool:
    """Findings and the investigation's steps belong to the assignee; the commander may step in."""
    if roles.BPS_COMMANDER in user_roles(user):
        return True
    return can(user, Action.WORK) and case.assignee_id == user.pk
