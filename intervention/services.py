"""Raising early-intervention flags and working them. Every raise and every change of state
is in the audit trail, under the employee."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction
from audit.services import audit_record
from ops.calendar import months_after
from ops.refusals import Refused

from .models import Flag, FlagNote, InterventionRule
from .selectors import Candidate, candidates_for

S = Flag.State
# Where a flag may go from each state; a closed flag can be looked at again.
NEXT_STATES: dict[str, tuple[str, ...]] = {
    S.NEW: (S.UNDER_REVIEW, S.NOT_WARRANTED),
    S.UNDER_REVIEW: (S.INTERVENTION, S.RESOLVED, S.NOT_WARRANTED),
    S.INTERVENTION: (S.RESOLVED, S.UNDER_REVIEW),
    S.RESOLVED: (S.UNDER_REVIEW,),
    S.NOT_WARRANTED: (S.UNDER_REVIEW,),
}


@dataclass
class Raised:
    flags: int = 0
    rules: int = 0


def flags_raise(*, today: date | None = None) -> Raised:
    """Raise a flag for every employee who meets an active threshold (the beat task's work).

    One flag per employee, threshold and window, whatever runs twice or at once (a unique
    constraint): the window starts on the day of the first complaint counted and lasts the
    threshold's months. Complaints already inside an earlier flag's window do not count again,
    so a flag is raised anew only by complaints received after the last one's window ended."""
    today = today or timezone.localdate()
    raised = Raised()
    for rule in InterventionRule.objects.filter(active=True):
        raised.rules += 1
        for candidate in candidates_for(rule=rule, today=today):
            if _raise(rule=rule, candidate=candidate) is not None:
                raised.flags += 1
    return raised


def _raise(*, rule: InterventionRule, candidate: Candidate) -> Flag | None:
    last = (
        Flag.objects.filter(employee_id=candidate.employee_id, rule=rule)
        .order_by("-window_end")
        .first()
    )
    counted = [
        (case_id, day)
        for case_id, day in candidate.counted
        if last is None or day > last.window_end
    ]
    if len(counted) < rule.threshold:
        return None
    start = counted[0][1]
    basis = {"threshold": rule.threshold, "months": rule.months, "kind": rule.kind}
    if rule.category:
        basis["category"] = rule.category
    if candidate.unit_average is not None:
        basis["unit_average"] = round(candidate.unit_average, 2)
        basis["peer_factor"] = str(rule.peer_factor)
    with transaction.atomic():
        flag, created = Flag.objects.get_or_create(
            employee_id=candidate.employee_id,
            rule=rule,
            window_start=start,
            defaults={
                "window_end": months_after(start, rule.months),
                "count": len(counted),
                "basis": basis,
            },
        )
        if not created:
            return None
        flag.cases.set({case_id for case_id, _day in counted})
        audit_record(
            action=AuditAction.FLAG_RAISE,
            about_employee=flag.employee,
            flag=flag.pk,
            rule=rule.name,
            count=flag.count,
            window=[str(flag.window_start), str(flag.window_end)],
        )
    return flag


def flag_state_change(
    *, flag: Flag, version: int, state: str, note: str, actor, client: str | None = None
) -> Flag:
    """Move a flag to another state with the commander's note (required: the trail says why)."""
    note = note.strip()
    if not note:
        raise Refused(_("Write a note saying why."))
    with transaction.atomic():
        locked = Flag.objects.select_for_update().select_related("employee").get(pk=flag.pk)
        if locked.version != version:
            raise Refused(
                _(
                    "Someone else changed this flag while you were looking at it. Nothing was "
                    "saved; the page now shows their change, and your note is kept below."
                ),
                conflict=True,
            )
        if state not in NEXT_STATES[locked.state]:
            raise Refused(
                _("A flag that is “%(state)s” cannot move to that state.")
                % {"state": locked.get_state_display()}
            )
        previous = locked.state
        locked.state = state
        locked.version += 1
        locked.save(update_fields=["state", "version", "updated_at"])
        FlagNote.objects.create(
            flag=locked, from_state=previous, to_state=state, note=note, author=actor
        )
        audit_record(
            action=AuditAction.FLAG_CHANGE_STATE,
            about_employee=locked.employee,
            actor=actor,
            client=client,
            flag=locked.pk,
            **{"from": previous, "to": state},
            note=note,
        )
    return locked
