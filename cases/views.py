"""Staff pages: parse and validate, ask cases/permissions.py, call one service, render. Every
case, attachment and note is looked up through what the person may see, so anything else
answers 404."""

import csv
import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from audit.models import AuditAction
from audit.services import audit_record
from intake.attachments import active_content_labels
from intake.models import Attachment
from ops.clients import client_address
from ops.refusals import Refused

from . import workflow
from .forms import (
    AllegationForm,
    AssignForm,
    CaseFilterForm,
    EmployeeMatchForm,
    ExtendForm,
    FindingsForm,
    MergeForm,
    MessageForm,
    NoteForm,
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
from .selectors import case_detail, case_list, case_timeline, queues_for, status_counts_for
from .services import case_message_send, case_note_add, staff_complaint_enter

PAGE_SIZE = 50
PREVIEWABLE = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _staff(request) -> None:
    # The middleware has already required both factors; a case page also needs a case role.
    if not has_case_role(request.user):
        raise Http404


@never_cache
def queues(request):
    if not has_case_role(request.user):
        return render(request, "cases/no_case_role.html")
    queue_list = list(queues_for(request.user))
    counts = status_counts_for(request.user)
    for queue in queue_list:
        queue.status_counts = [
            (label, counts.get(queue.pk, {}).get(value, 0)) for value, label in Case.Status.choices
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
def cases_list(request):
    _staff(request)
    visible_queues = queues_visible_to(request.user)
    assignees = (
        get_user_model().objects.filter(queues__in=visible_queues, is_active=True).distinct()
    )
    form = CaseFilterForm(request.GET or None, queues=visible_queues, assignees=assignees)
    cases = case_list(user=request.user, filters=form.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@never_cache
@require_safe
def case_page(request, pk: int):
    _staff(request)
    case = case_for(request.user, pk=pk, queryset=case_detail(user=request.user))
    audit_record(
        action=AuditAction.CASE_VIEW,
        submission=case.submission,
        case=case,
        actor=request.user,
        client=client_address(request),
    )
    return _render_case(request, case)


def _render_case(request, case: Case, *, bound: dict | None = None, status: int = 200):
    """The case page; `bound` carries a refused form with what the person typed."""
    bound = bound or {}
    user = request.user
    submission = case.submission
    initial = {"version": case.version}
    allegations = list(case.allegations.select_related("involved__employee"))
    notices = list(submission.notices.prefetch_related("events").order_by("created_at", "id"))
    thread = list(submission.messages.all())
    audit = list(case.audit.select_related("actor")) if can(user, Action.AUDIT) else []
    show_audit = can(user, Action.AUDIT)
    timeline_audit = (
        audit
        if show_audit
        else list(case.audit.exclude(action=AuditAction.CASE_VIEW).select_related("actor"))
    )
    transitions = workflow.transitions_for(case=case, user=user)
    simple = [t for t in transitions if t.name in SIMPLE_TRANSITIONS]
    context = {
        "case": case,
        "submission": submission,
        "attachments": [
            (a, active_content_labels(a.active_content)) for a in submission.attachments.all()
        ],
        "previewable": PREVIEWABLE,
        "employees": list(submission.employees.select_related("employee__unit")),
        "witnesses": list(submission.witnesses.all()),
        "allegations": allegations,
        "notes": list(case.notes.select_related("author")),
        "extensions": list(case.extensions.select_related("extended_by")),
        "notices": notices,
        "thread": thread,
        "audit": audit,
        "show_audit": show_audit,
        "timeline": case_timeline(
            case=case, audit=timeline_audit, notices=notices, messages=thread
        ),
        "transitions": simple,
        "transition_names": {t.name for t in transitions},
        "can_work": can(user, Action.WORK) and case.is_open,
        "may_record_findings": case.status == Case.Status.INVESTIGATING and may_work_on(user, case),
        "can_extend": can(user, Action.EXTEND) and case.is_open,
        "assign_form": bound.get("assign") or AssignForm(initial=initial, case=case),
        "reason_form": bound.get("reason") or ReasonForm(initial=initial),
        "refer_form": bound.get("refer") or ReferForm(initial=initial),
        "merge_form": bound.get("merge") or MergeForm(initial=initial),
        "findings_form": bound.get("findings")
        or FindingsForm(initial=initial, allegations=allegations),
        "allegation_form": bound.get("allegation") or AllegationForm(initial=initial, case=case),
        "extend_form": bound.get("extend") or ExtendForm(initial=initial),
        "note_form": bound.get("note") or NoteForm(),
        "message_form": bound.get("message") or MessageForm(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


SIMPLE_TRANSITIONS = {"triage", "open", "submit_findings", "approve", "close", "mediate"}
SIMPLE_SERVICES = {
    "triage": workflow.case_triage,
    "open": workflow.case_open,
    "submit_findings": workflow.case_findings_submit,
    "approve": workflow.case_approve,
    "close": workflow.case_close,
    "mediate": workflow.case_mediate,
}


def _changing(request, pk: int, action: Action = Action.VIEW) -> Case:
    _staff(request)
    return case_for(request.user, pk=pk, action=action, queryset=case_detail(user=request.user))


def _refused(request, case: Case, error: Refused, bound: dict):
    """Show the refusal on the case page as it now is, keeping what the person typed."""
    case.refresh_from_db()
    for form in bound.values():
        if "version" in form.fields and form.is_bound:
            form.data = form.data.copy()
            form.data["version"] = case.version
    messages.error(request, error.message)
    return _render_case(request, case, bound=bound, status=409)


def _done(request, case: Case, message):
    messages.success(request, message)
    return redirect("cases:case", pk=case.pk)


@never_cache
@require_POST
def case_transition(request, pk: int, action: str):
    case = _changing(request, pk, Action.WORK)
    user = request.user
    bound: dict = {}
    try:
        if action in SIMPLE_SERVICES:
            form = VersionForm(request.POST)
            if not form.is_valid():
                raise workflow.case_changed()
            SIMPLE_SERVICES[action](
                case=case,
                version=form.cleaned_data["version"],
                actor=user,
                client=client_address(request),
            )
        elif action == "assign":
            form = AssignForm(request.POST, case=case)
            bound = {"assign": form}
            if not form.is_valid():
                return _render_case(request, case, bound=bound, status=400)
            workflow.case_assign(
                case=case,
                version=form.cleaned_data["version"],
                actor=user,
                assignee=form.cleaned_data["assignee"],
                client=client_address(request),
            )
        elif action in ("reopen", "return_findings"):
            form = ReasonForm(request.POST)
            bound = {"reason": form}
            if not form.is_valid():
                return _render_case(request, case, bound=bound, status=400)
            service = workflow.case_reopen if action == "reopen" else workflow.case_findings_return
            service(
                case=case,
                version=form.cleaned_data["version"],
                actor=user,
                reason=form.cleaned_data["reason"],
                client=client_address(request),
            )
        elif action == "refer":
            form = ReferForm(request.POST)
            bound = {"refer": form}
            if not form.is_valid():
                return _render_case(request, case, bound=bound, status=400)
            workflow.case_refer(
                case=case,
                version=form.cleaned_data["version"],
                actor=user,
                referred_to=form.cleaned_data["referred_to"],
                referral_letter=form.cleaned_data["referral_letter"],
                client=client_address(request),
            )
        elif action == "merge":
            form = MergeForm(request.POST)
            bound = {"merge": form}
            if not form.is_valid():
                return _render_case(request, case, bound=bound, status=400)
            into = (
                cases_visible_to(user)
                .filter(submission__tracking_number__iexact=form.cleaned_data["into"].strip())
                .first()
            )
            if into is None:
                form.add_error("into", _("No case you can see has that tracking number."))
                return _render_case(request, case, bound=bound, status=400)
            workflow.case_merge(
                case=case,
                version=form.cleaned_data["version"],
                actor=user,
                into=into,
                client=client_address(request),
            )
        else:
            raise Http404
    except Refused as error:
        return _refused(request, case, error, bound)
    return _done(request, case, _("Saved."))


@never_cache
@require_POST
def case_findings(request, pk: int):
    case = _changing(request, pk, Action.WORK)
    form = FindingsForm(request.POST, allegations=list(case.allegations.all()))
    if not form.is_valid():
        return _render_case(request, case, bound={"findings": form}, status=400)
    try:
        workflow.allegation_findings_record(
            case=case,
            version=form.cleaned_data["version"],
            actor=request.user,
            findings=form.findings(),
            client=client_address(request),
        )
    except Refused as error:
        return _refused(request, case, error, {"findings": form})
    return _done(request, case, _("Findings saved."))


@never_cache
@require_POST
def case_allegation_add(request, pk: int):
    case = _changing(request, pk, Action.WORK)
    form = AllegationForm(request.POST, case=case)
    if not form.is_valid():
        return _render_case(request, case, bound={"allegation": form}, status=400)
    try:
        workflow.allegation_add(
            case=case,
            version=form.cleaned_data["version"],
            actor=request.user,
            category=form.cleaned_data["category"],
            involved=form.cleaned_data["involved"],
            client=client_address(request),
        )
    except Refused as error:
        return _refused(request, case, error, {"allegation": form})
    return _done(request, case, _("Allegation added."))


@never_cache
@require_POST
def case_employee_match(request, pk: int):
    case = _changing(request, pk, Action.WORK)
    form = EmployeeMatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _render_case(request, case, status=400)
    involved = case.submission.employees.filter(pk=form.cleaned_data["involved"]).first()
    if involved is None:
        raise Http404
    try:
        workflow.involved_employee_confirm(
            case=case,
            version=form.cleaned_data["version"],
            actor=request.user,
            involved=involved,
            employee=form.cleaned_data["dsn"],
            client=client_address(request),
        )
    except Refused as error:
        return _refused(request, case, error, {})
    return _done(request, case, _("Roster match saved."))


@never_cache
@require_POST
def case_extend(request, pk: int):
    case = _changing(request, pk, Action.EXTEND)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound={"extend": form}, status=400)
    try:
        workflow.case_due_extend(
            case=case,
            version=form.cleaned_data["version"],
            actor=request.user,
            new_due=form.cleaned_data["new_due"],
            reason=form.cleaned_data["reason"],
            client=client_address(request),
        )
    except Refused as error:
        return _refused(request, case, error, {"extend": form})
    return _done(request, case, _("Due date extended."))


@never_cache
@require_POST
def case_note(request, pk: int):
    case = _changing(request, pk, Action.WORK)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound={"note": form}, status=400)
    try:
        case_note_add(
            case=case,
            actor=request.user,
            body=form.cleaned_data["body"],
            client=client_address(request),
        )
    except Refused as error:
        return _refused(request, case, error, {"note": form})
    return _done(request, case, _("Note saved."))


@never_cache
@require_POST
def case_message(request, pk: int):
    case = _changing(request, pk, Action.WORK)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, bound={"message": form}, status=400)
    try:
        case_message_send(
            case=case,
            actor=request.user,
            body=form.cleaned_data["body"],
            client=client_address(request),
        )
    except Refused as error:
        return _refused(request, case, error, {"message": form})
    return _done(request, case, _("Message sent to the complainant."))


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
        submission=case.submission,
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
        submission=case.submission,
        case=case,
        actor=request.user,
        client=client_address(request),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{case.submission.tracking_number}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["at", "action", "actor", "ip_address", "detail"])
    for event in case.audit.select_related("actor"):
        writer.writerow(
            [
                event.at.isoformat(),
                event.action,
                event.actor.get_username() if event.actor else "",
                event.ip_address or "",
                _csv_safe(str(event.detail)),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # A spreadsheet must not run a cell as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@never_cache
def staff_complaint(request):
    """A complaint taken by phone, letter, email or in person, stored like a web complaint."""
    require(request.user, Action.INTAKE)
    form = StaffComplaintForm(
        request.POST or None, initial={"idempotency_key": uuid.uuid4().hex, "language": "en"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            receipt = staff_complaint_enter(
                data=form.submission_data(),
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Complaint %(number)s stored; it is being routed to its queue.")
                % {"number": receipt.submission.tracking_number},
            )
            return redirect("cases:queues")
    return render(request, "cases/staff_complaint.html", {"form": form})
