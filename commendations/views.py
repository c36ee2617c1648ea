from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from directory.models import Employee
from ops.clients import client_address
from ops.refusals import Refused

from .forms import EmployeeConfirmForm, NoticeResendForm
from .permissions import may_work_commendations
from .selectors import commendation_candidates, commendation_notices, commendations_for
from .services import (
    commendation_citizen_tell,
    commendation_employee_confirm,
    commendation_notice_resend,
    commendation_share_mark,
)


def _commendation(request, pk: int):
    # A commendation outside the user's queues answers 404, so its existence is not revealed.
    return get_object_or_404(commendations_for(request.user), pk=pk)


def _chiefs_office(request) -> None:
    # Only the members of a Chief's office queue work commendations; anyone else gets the
    # 404 any staff page gives those who may not use it.
    if not may_work_commendations(request.user):
        raise Http404


@never_cache
@login_required
def inbox(request):
    _chiefs_office(request)
    page = Paginator(commendations_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "commendations/inbox.html", {"page": page})


def _detail(request, commendation, *, confirm_form=None, resend_form=None, status=200):
    candidates = commendation_candidates(commendation)
    context = {
        "commendation": commendation,
        "submission": commendation.submission,
        "involved": commendation.submission.employees.order_by("id").first(),
        "candidates": candidates,
        "notices": commendation_notices(commendation),
        "confirm_form": confirm_form or EmployeeConfirmForm(candidates=candidates),
        "resend_form": resend_form,
    }
    return render(request, "commendations/detail.html", context, status=status)


@never_cache
@login_required
def detail(request, pk: int):
    commendation = _commendation(request, pk)
    audit_record(
        action=AuditAction.COMMENDATION_VIEW,
        submission=commendation.submission,
        actor=request.user,
        client=client_address(request),
    )
    return _detail(request, commendation)


@never_cache
@login_required
@require_POST
def confirm(request, pk: int):
    commendation = _commendation(request, pk)
    form = EmployeeConfirmForm(request.POST, candidates=commendation_candidates(commendation))
    if not form.is_valid():
        return _detail(request, commendation, confirm_form=form, status=400)
    try:
        commendation_employee_confirm(
            commendation=commendation,
            employee=form.cleaned_data["chosen"],
            actor=request.user,
            client=client_address(request),
        )
    except Refused as error:
        form.add_error(None, error.message)
        return _detail(request, commendation, confirm_form=form, status=400)
    messages.success(request, _("Employee confirmed; the commendation is on its way."))
    return redirect("commendations:detail", pk=pk)


@never_cache
@login_required
@require_POST
def resend(request, pk: int):
    commendation = _commendation(request, pk)
    form = NoticeResendForm(request.POST)
    if form.is_valid():
        notice = get_object_or_404(
            commendation_notices(commendation), pk=form.cleaned_data["notice"]
        )
        try:
            commendation_notice_resend(
                notice=notice,
                email=form.cleaned_data["email"],
                actor=request.user,
                client=client_address(request),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The notice is being sent again."))
            return redirect("commendations:detail", pk=pk)
    return _detail(request, commendation, resend_form=form, status=400)


@never_cache
@login_required
@require_POST
def tell_citizen(request, pk: int):
    commendation = _commendation(request, pk)
    try:
        commendation_citizen_tell(
            commendation=commendation, actor=request.user, client=client_address(request)
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The citizen is being told that the commendation arrived."))
    return redirect("commendations:detail", pk=pk)


@never_cache
@login_required
@require_POST
def share(request, pk: int):
    commendation = _commendation(request, pk)
    try:
        commendation_share_mark(
            commendation=commendation,
            shared=request.POST.get("shared") == "1",
            actor=request.user,
            client=client_address(request),
        )
    except Refused as error:
        messages.error(request, error.message)
    return redirect("commendations:detail", pk=pk)


@never_cache
@login_required
def letter(request, pk: int):
    commendation = _commendation(request, pk)
    if commendation.employee is None:
        messages.error(request, _("Confirm the employee first."))
        return redirect("commendations:detail", pk=pk)
    audit_record(
        action=AuditAction.COMMENDATION_PRINT_LETTER,
        submission=commendation.submission,
        actor=request.user,
        client=client_address(request),
    )
    return render(request, "commendations/letter.html", {"commendation": commendation})


@never_cache
@login_required
def employee(request, employee_id: int):
    _chiefs_office(request)
    person = get_object_or_404(Employee.objects.select_related("unit"), pk=employee_id)
    commendations = commendations_for(request.user).filter(employee=person)
    page = Paginator(commendations, 50).get_page(request.GET.get("page"))
    return render(request, "commendations/employee.html", {"employee": person, "page": page})
