"""The retention page: the schedule, what is due, and the legal holds (placing and lifting
them). Asks retention/permissions.py."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ops.clients import client_address
from ops.refusals import Refused

from .forms import HoldForm, LiftForm, error_summary
from .models import LegalHold, Outcome
from .permissions import may_hold, require_retention
from .selectors import active_holds, due_for_anonymisation, schedule
from .services import legal_hold_lift, legal_hold_place

SHOWN_DUE = 50


def _page(request, *, hold_form=None, lift_forms=None, status=200):
    due = due_for_anonymisation(today=timezone.localdate())
    months = schedule()
    lift_forms = lift_forms or {}
    holds = list(active_holds().select_related("submission", "placed_by"))
    summary = error_summary(hold_form) if hold_form is not None and hold_form.is_bound else []
    for form in lift_forms.values():
        summary += error_summary(form)
    context = {
        "schedule": [(label, months[value]) for value, label in Outcome.choices],
        "due": due[:SHOWN_DUE],
        "due_count": len(due),
        "holds": [
            (hold, lift_forms.get(hold.pk) or LiftForm(prefix=f"lift-{hold.pk}")) for hold in holds
        ],
        "hold_form": hold_form or HoldForm(),
        "may_hold": may_hold(request.user),
        "summary": summary,
    }
    return render(request, "retention/retention.html", context, status=status)


@never_cache
@require_safe
def retention(request):
    require_retention(request.user)
    return _page(request)


@never_cache
@require_POST
def hold_place(request):
    require_retention(request.user, hold=True)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            hold = legal_hold_place(
                submission=form.cleaned_data["tracking_number"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                client=client_address(request),
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(number)s is under a legal hold.")
                % {"number": hold.submission.tracking_number},
            )
            return redirect("retention:page")
    return _page(request, hold_form=form, status=400)


@never_cache
@require_POST
def hold_lift(request, pk: int):
    require_retention(request.user, hold=True)
    hold = get_object_or_404(LegalHold.objects.select_related("submission"), pk=pk)
    form = LiftForm(request.POST, prefix=f"lift-{hold.pk}")
    if form.is_valid():
        try:
            legal_hold_lift(
                hold=hold,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                client=client_address(request),
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("The legal hold on %(number)s was lifted.")
                % {"number": hold.submission.tracking_number},
            )
            return redirect("retention:page")
    return _page(request, lift_forms={hold.pk: form}, status=400)
