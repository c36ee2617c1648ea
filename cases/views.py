"""Staff pages: parse and validate, ask cases/permissions.py, call one service, render. Every
case, attachment and note is looked up through what the person may see, so anything else
answers 404."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from audit.exports import AUDIT_CSV_HEADER, audit_csv_rows
from audit.models import AuditAction
from audit.services import audit_record
from intake.forms import SubmissionForms
from intake.models import Attachment, Submission
from ops.clients import client_address
from ops.refusals import Refused
from staff.exports import csv_response
from staff.roles import staff_name

from . import workflow
from .filters import CaseFilter
from .forms import (
    AllegationForm,
    AssignForm,
    EmployeeMatchForm,
    ExtendForm,
    FindingsForm,
    MergeForm,
    MessageForm,
    NoteForm,
    NoticeSendAgainForm,
    ReasonForm,
    ReferForm,
    StaffComplaintForm,
    VersionForm,
)
from .models import Case
from .permissions import (
    Action,
    can,
    case_for,
    cases_visible_to,
    has_case_role,
    may_work_on,
    queues_visible_to,
    require,
)
from .selectors import (
    COUNT_CAP,
    case_detail,
    case_file,
    count_up_to,
    list_page,
    queue_counts_for,
)
from .services import (
    case_message_send,
    case_note_add,
    case_notice_send_again,
    staff_complaint_enter,
)

access_log = logging.getLogger("candor.access")

PAGE_SIZE = 50
PREVIEWABLE = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _staff(request) -> None:
    # The middleware has already required both factors; a case page also needs a case role.
    if not has_case_role(request.user):
        raise Http404


@never_cache
def queues(request):
    _staff(request)
    queue_list = list(queues_visible_to(request.user))
    counts = queue_counts_for(request.user)
    for queue in queue_list:
        queue.counts = counts[queue.pk]
        queue.status_counts = [
            (label, queue.counts.by_status.get(value, 0)) for value, label in Case.Status.choices
        ]
    return render(
        request,
        "cases/queues.html",
        {"queues": queue_list, "can_intake": can(request.user, Action.INTAKE)},
    )


@never_cache
def queue_detail(request, slug: str):
    _staff(request)
    # Only a member sees a queue; any other answers 404, so its existence is not revealed.
    queue = queues_visible_to(request.user).filter(slug=slug).first()
    if queue is None:
        raise Http404
    return redirect(f"{reverse('cases:list')}?queue={queue.pk}")


@never_cache
@require_safe
def cases_list(request):
    _staff(request)
    filters = CaseFilter(request.GET, user=request.user)
    cases = filters.qs
    page = list_page(
        cases,
        order=filters.order,
        size=PAGE_SIZE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        boundaries=cases_visible_to(request.user),
    )
    query = request.GET.copy()
    for paging in ("page", "after", "before"):
        query.pop(paging, None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": filters.form,
            "page": page,
            "count": count_up_to(cases, cap=COUNT_CAP, ordered=not filters.searched_by_ids),
            "count_cap": COUNT_CAP,
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_safe
def cases_export(request):
    """The case list as the filters leave it, every page of it, as CSV."""
    _staff(request)
    filters = CaseFilter(request.GET, user=request.user)
    access_log.info(
        "case list exported by user %s with %s", request.user.pk, request.GET.urlencode() or "-"
    )
    today = timezone.localdate()
    return csv_response(
        filename=f"cases-{today.isoformat()}.csv",
        header=[
            "tracking_number",
            "queue",
            "received",
            "status",
            "priority",
            "assignee",
            "due",
            "overdue",
            "confidential",
        ],
        rows=(
            [
                case.submission.tracking_number,
                case.queue.name,
                timezone.localtime(case.submission.received_at).isoformat(timespec="minutes"),
                case.get_status_display(),
                case.get_priority_display(),
                staff_name(case.assignee) if case.assignee else "",
                case.due_date.isoformat(),
                "yes" if case.is_open and case.due_date < today else "",
                "yes" if case.confidential else "",
            ]
            for case in filters.qs.iterator(chunk_size=500)
        ),
    )


@never_cache
@require_safe
def case_page(request, pk: int):
    _staff(request)
    case = case_for(request.user, pk=pk, queryset=case_detail(user=request.user))
    audit_record(
        action=AuditAction.CASE_VIEW,
        case=case,
        actor=request.user,
        client=client_address(request),
    )
    return _render_case(request, case)


def _render_case(request, case: Case, *, bound: dict | None = None, status: int = 200):
    """The case page; `bound` carries a refused form with what the person typed."""
    bound = bound or {}
    user = request.user
    file = case_file(case=case, user=user)
    initial = {"version": case.version}
    transitions = workflow.transitions_for(case=case, user=user)
    names = {t.name for t in transitions}
    # A refused form stays on the page with what was typed, even when its step is no longer
    # possible (someone else moved the case on).
    if "reason" in bound:
        names.add(bound["reason"].step)
    names |= {step for step in ("assign", "refer", "merge") if step in bound}
    reason_step = next((step for step in ("reopen", "return_findings") if step in names), "")
    context = {
        "file": file,
        "case": case,
        "submission": file.submission,
        "previewable": PREVIEWABLE,
        "transitions": [t for t in transitions if t.name in SIMPLE_TRANSITIONS],
        "transition_names": names,
        "reason_step": reason_step,
        "can_work": can(user, Action.WORK) and case.is_open,
        "may_record_findings": case.status == Case.Status.INVESTIGATING and may_work_on(user, case),
        "can_extend": (can(user, Action.EXTEND) and case.is_open) or "extend" in bound,
        "overdue": case.is_open and case.due_date < timezone.localdate(),
        "assign_form": bound.get("assign") or AssignForm(initial=initial, case=case),
        "reason_form": bound.get("reason") or ReasonForm(initial=initial),
        "refer_form": bound.get("refer") or ReferForm(initial=initial),
        "merge_form": bound.get("merge") or MergeForm(initial=initial),
        "findings_form": bound.get("findings")
        or FindingsForm(initial=initial, allegations=file.allegations),
        "allegation_form": bound.get("allegation") or AllegationForm(initial=initial, case=case),
        "extend_form": bound.get("extend") or ExtendForm(initial=initial),
        "note_form": bound.get("note") or NoteForm(),
        "message_form": bound.get("message") or MessageForm(),
        "match_form": bound.get("match"),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@never_cache
@require_safe
def case_print(request, pk: int):
    """The case file for sign-off, laid out for the printer: the complaint, allegations and
    findings, notes, notices and the timeline. Reading it is a view of the case."""
    _staff(request)
    case = case_for(request.user, pk=pk, queryset=case_detail(user=request.user))
    audit_record(
        action=AuditAction.CASE_VIEW,
        case=case,
        actor=request.user,
        client=client_address(request),
        printable=True,
    )
    return render(
        request,
        "cases/case_print.html",
        {"file": case_file(case=case, user=request.user), "case": case, "now": timezone.now()},
    )


def _changing(request, pk: int, action: Action = Action.VIEW) -> Case:
    _staff(request)
    return case_for(request.user, pk=pk, action=action, queryset=case_detail(user=request.user))


@dataclass(frozen=True)
class Change:
    """One change made from the case page: the right needed to load the case for it, the form
    that carries it, the service call that makes it and what to say once it is made. A refused
    change shows the page again with what was typed (`bound_as` names the page's form)."""

    form: Callable[..., forms.Form]  # (data, *, case, user)
    make: Callable[..., object]  # (*, case, form, actor, client)
    done: object  # lazy translated
    bound_as: str = ""
    action: Action = Action.WORK
    # A form that is only a hidden version: invalid means the page was stale, not mistyped.
    stale_when_invalid: bool = False


def _step(service) -> Change:
    """A workflow step that takes nothing but the version the person saw."""
    return Change(
        form=lambda data, **_: VersionForm(data),
        make=lambda *, case, form, **who: service(
            case=case, version=form.cleaned_data["version"], **who
        ),
        done=_("Saved."),
        stale_when_invalid=True,
    )


def _with_reason(service, step: str) -> Change:
    return Change(
        form=lambda data, **_: ReasonForm(data, step=step),
        make=lambda *, case, form, **who: service(
            case=case,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            **who,
        ),
        done=_("Saved."),
        bound_as="reason",
    )


CHANGES: dict[str, Change] = {
    "triage": _step(workflow.case_triage),
    "open": _step(workflow.case_open),
    "submit_findings": _step(workflow.case_findings_submit),
    "approve": _step(workflow.case_approve),
    "close": _step(workflow.case_close),
    "mediate": _step(workflow.case_mediate),
    "reopen": _with_reason(workflow.case_reopen, "reopen"),
    "return_findings": _with_reason(workflow.case_findings_return, "return_findings"),
    "assign": Change(
        form=lambda data, *, case, **_: AssignForm(data, case=case),
        make=lambda *, case, form, **who: workflow.case_assign(
            case=case,
            version=form.cleaned_data["version"],
            assignee=form.cleaned_data["assignee"],
            **who,
        ),
        done=_("Saved."),
        bound_as="assign",
    ),
    "refer": Change(
        form=lambda data, **_: ReferForm(data),
        make=lambda *, case, form, **who: workflow.case_refer(
            case=case,
            version=form.cleaned_data["version"],
            referred_to=form.cleaned_data["referred_to"],
            referral_letter=form.cleaned_data["referral_letter"],
            **who,
        ),
        done=_("Saved."),
        bound_as="refer",
    ),
    "merge": Change(
        form=lambda data, *, user, **_: MergeForm(data, cases=cases_visible_to(user)),
        make=lambda *, case, form, **who: workflow.case_merge(
            case=case, version=form.cleaned_data["version"], into=form.cleaned_data["into"], **who
        ),
        done=_("Saved."),
        bound_as="merge",
    ),
    "findings": Change(
        form=lambda data, *, case, **_: FindingsForm(
            data, allegations=list(case.allegations.select_related("involved__employee"))
        ),
        make=lambda *, case, form, **who: workflow.allegation_findings_record(
            case=case, version=form.cleaned_data["version"], findings=form.findings(), **who
        ),
        done=_("Findings saved."),
        bound_as="findings",
    ),
    "allegation-add": Change(
        form=lambda data, *, case, **_: AllegationForm(data, case=case),
        make=lambda *, case, form, **who: workflow.allegation_add(
            case=case,
            version=form.cleaned_data["version"],
            category=form.cleaned_data["category"],
            involved=form.cleaned_data["involved"],
            **who,
        ),
        done=_("Allegation added."),
        bound_as="allegation",
    ),
    "employee-match": Change(
        form=lambda data, *, case, **_: EmployeeMatchForm(data, case=case),
        make=lambda *, case, form, **who: workflow.involved_employee_confirm(
            case=case,
            version=form.cleaned_data["version"],
            involved=form.cleaned_data["involved"],
            employee=form.cleaned_data["dsn"],
            **who,
        ),
        done=_("Roster match saved."),
        bound_as="match",
    ),
    "extend": Change(
        form=lambda data, **_: ExtendForm(data),
        make=lambda *, case, form, **who: workflow.case_due_extend(
            case=case,
            version=form.cleaned_data["version"],
            new_due=form.cleaned_data["new_due"],
            reason=form.cleaned_data["reason"],
            **who,
        ),
        done=_("Due date extended."),
        bound_as="extend",
        action=Action.EXTEND,
    ),
    "note": Change(
        form=lambda data, **_: NoteForm(data),
        make=lambda *, case, form, **who: case_note_add(
            case=case, body=form.cleaned_data["body"], **who
        ),
        done=_("Note saved."),
        bound_as="note",
    ),
    "message": Change(
        form=lambda data, **_: MessageForm(data),
        make=lambda *, case, form, **who: case_message_send(
            case=case, body=form.cleaned_data["body"], **who
        ),
        done=_("Message sent to the complainant."),
        bound_as="message",
    ),
    "notice-send-again": Change(
        form=lambda data, **_: NoticeSendAgainForm(data),
        make=lambda *, case, form, **who: case_notice_send_again(
            case=case, notice_id=form.cleaned_data["notice"], **who
        ),
        done=_("The notice will be sent again."),
    ),
}
# The steps shown as one button each; the others open a form of their own.
SIMPLE_TRANSITIONS = {name for name, change in CHANGES.items() if change.stale_when_invalid}


@never_cache
@require_POST
def case_change(request, pk: int, change: str):
    """Every change made from the case page, one way: load the case through what the person may
    do, validate the form, call the service. A mistyped form answers 400 and a refusal 409, both
    on the case page with what was typed; success redirects to the page (post/redirect/get)
    with a message saying what was done."""
    spec = CHANGES.get(change)
    if spec is None:
        raise Http404
    case = _changing(request, pk, spec.action)
    form = spec.form(request.POST, case=case, user=request.user)
    bound = {spec.bound_as: form} if spec.bound_as else {}
    try:
        if not form.is_valid():
            if spec.stale_when_invalid:
                raise workflow.case_changed()
            return _render_case(request, case, bound=bound, status=400)
        spec.make(case=case, form=form, actor=request.user, client=client_address(request))
    except Refused as error:
        return _refused(request, case, error, bound)
    messages.success(request, spec.done)
    return redirect("cases:case", pk=case.pk)


def _refused(request, case: Case, error: Refused, bound: dict):
    """Show the refusal on the case page as it now is, keeping what the person typed; the
    version is brought up to date so that sending again works."""
    case.refresh_from_db()
    for form in bound.values():
        if "version" in form.fields and form.is_bound:
            form.data = form.data.copy()
            form.data["version"] = case.version
    messages.error(request, error.message)
    return _render_case(request, case, bound=bound, status=409)


@never_cache
@require_safe
def attachment_download(request, pk: int, attachment_pk: int, as_received: bool = False):
    """Evidence, only through here: the case must be visible and the file must be the case's.
    Cleaned pictures may be shown inline (previews); everything else is a download. The file
    as received (a picture with its metadata) is only ever a download."""
    case = _changing(request, pk)
    attachment = Attachment.objects.filter(
        pk=attachment_pk, submission_id=case.submission_id
    ).first()
    if attachment is None or (as_received and not attachment.original_file):
        raise Http404
    inline = (
        not as_received
        and request.GET.get("inline") == "1"
        and attachment.content_type in PREVIEWABLE
    )
    if as_received:
        action = AuditAction.CASE_DOWNLOAD_ORIGINAL
    elif inline:
        action = AuditAction.CASE_VIEW_ATTACHMENT
    else:
        action = AuditAction.CASE_DOWNLOAD_ATTACHMENT
    audit_record(
        action=action,
        case=case,
        actor=request.user,
        client=client_address(request),
        attachment=attachment.pk,
    )
    response = FileResponse(
        (attachment.original_file if as_received else attachment.file).open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@never_cache
@require_safe
def audit_export(request, pk: int):
    """The case's audit trail as CSV, for the commander and the auditor."""
    case = _changing(request, pk, Action.AUDIT)
    audit_record(
        action=AuditAction.CASE_EXPORT_AUDIT,
        case=case,
        actor=request.user,
        client=client_address(request),
    )
    return csv_response(
        filename=f"audit-{case.submission.tracking_number}.csv",
        header=AUDIT_CSV_HEADER,
        rows=audit_csv_rows(case.audit.select_related("actor", "submission")),
    )


@never_cache
def staff_complaint(request):
    """A complaint taken by phone, letter, email or in person, checked by the public form's own
    forms and stored like a web complaint. "Add another" rows work without JavaScript."""
    require(request.user, Action.INTAKE)
    if request.method == "POST":
        add = next((a for a in ("employee", "witness") if f"add_{a}" in request.POST), None)
        entry = SubmissionForms(
            kind=Submission.Kind.COMPLAINT,
            data=request.POST,
            files=request.FILES,
            add=add,
            form_class=StaffComplaintForm,
        )
        if entry.is_valid():
            cleaned = entry.form.cleaned_data
            try:
                receipt = staff_complaint_enter(
                    data=entry.to_data(language=cleaned["language"], channel=cleaned["channel"]),
                    attachments=entry.attachments,
                    actor=request.user,
                    idempotency_key=cleaned["idempotency_key"],
                )
            except Refused as error:
                entry.form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s stored; it is being routed to its queue.")
                    % {"number": receipt.submission.tracking_number},
                )
                return redirect("cases:queues")
    else:
        entry = SubmissionForms(kind=Submission.Kind.COMPLAINT, form_class=StaffComplaintForm)
        entry.form.initial.update({"idempotency_key": uuid.uuid4().hex, "language": "en"})
    return render(
        request,
        "cases/staff_complaint.html",
        {
            "forms": entry,
            "form": entry.form,
            "summary": entry.error_summary() if entry.show_errors else [],
        },
    )
