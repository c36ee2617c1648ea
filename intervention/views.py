"""Early-intervention pages: the flag list, a flag (and changing its state), and an employee's
history. Each asks intervention/permissions.py; what a case shows asks cases/permissions.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from audit.models import AuditAction
from audit.services import audit_record
from directory.models import Employee
from ops.clients import client_address
from ops.refusals import Refused

from .forms import FlagFilterForm, FlagStateForm
from .models import Flag
from .permissions import may_change_flags, require_flags
from .selectors import employee_history, flag_list, flag_state_counts, visible_case_lines
from .services import flag_state_change

PAGE_SIZE = 50


@never_cache
@require_safe
def flags(request):
    require_flags(request.user)
    form = FlagFilterForm(request.GET or {"state": "open"})
    state = form.cleaned_data["state"] if form.is_valid() else "open"
    page = Paginator(flag_list(state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = flag_state_counts()
    return render(
        request,
        "intervention/flags.html",
        {
            "form": form,
            "page": page,
            "counts": [(label, counts.get(value, 0)) for value, label in Flag.State.choices],
            "state": state,
        },
    )


def _flag_page(request, flag: Flag, *, form: FlagStateForm | None = None, status: int = 200):
    lines, restricted = visible_case_lines(
        user=request.user, cases=flag.cases.all(), employee=flag.employee
    )
    can_change = may_change_flags(request.user)
    form = form or (FlagStateForm(flag=flag) if can_change else None)
    context = {
        "flag": flag,
        "lines": lines,
        "restricted": restricted,
        "notes": list(flag.notes.select_related("author")),
        "form": form,
        "summary": form.error_summary() if form is not None and form.is_bound else [],
    }
    return render(request, "intervention/flag.html", context, status=status)


@never_cache
@require_safe
def flag_detail(request, pk: int):
    require_flags(request.user)
    flag = get_object_or_404(Flag.objects.select_related("employee__unit", "rule"), pk=pk)
    return _flag_page(request, flag)


@never_cache
@require_POST
def flag_change(request, pk: int):
    require_flags(request.user, change=True)
    flag = get_object_or_404(Flag.objects.select_related("employee__unit", "rule"), pk=pk)
    form = FlagStateForm(request.POST, flag=flag)
    if not form.is_valid():
        return _flag_page(request, flag, form=form, status=400)
    try:
        flag_state_change(
            flag=flag,
            version=form.cleaned_data["version"],
            state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
            actor=request.user,
            client=client_address(request),
        )
    except Refused as refusal:
        # The form for the flag as it is now, keeping the note that was typed.
        flag.refresh_from_db()
        kept = FlagStateForm({**request.POST.dict(), "version": flag.version}, flag=flag)
        kept.is_valid()
        kept.add_error(None, refusal.message)
        return _flag_page(request, flag, form=kept, status=409 if refusal.conflict else 400)
    messages.success(request, _("The flag's state was changed."))
    return redirect("intervention:flag", pk=flag.pk)


@never_cache
@require_safe
def employee_page(request, pk: int):
    require_flags(request.user)
    employee = get_object_or_404(Employee.objects.select_related("unit", "supervisor"), pk=pk)
    history = employee_history(user=request.user, employee=employee)
    audit_record(
        action=AuditAction.EMPLOYEE_VIEW_HISTORY,
        about_employee=employee,
        actor=request.user,
        client=client_address(request),
    )
    return render(request, "intervention/employee.html", {"history": history})
