import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ops.clients import client_address
from ops.refusals import Refused

from .forms import MessageForm, SubmissionForms
from .kept import unbound_page
from .models import Submission
from .permissions import may_judge_quarantine
from .selectors import quarantine_held, submission_by_status_token, submission_stages
from .services import (
    KeyReuse,
    message_from_submitter,
    quarantine_discard,
    quarantine_release,
    submission_receive,
)
from .tracking import token_path

_FORM_KEY = re.compile(r"^[0-9a-f]{32}$")


def home(request):
    return render(request, "intake/home.html")


def complaint(request):
    return _submission_page(request, kind=Submission.Kind.COMPLAINT)


def compliment(request):
    return _submission_page(request, kind=Submission.Kind.COMPLIMENT)


@never_cache
def _submission_page(request, *, kind: str):
    refusal = None  # (message, the id of what it is about)
    lost_files: list[str] = []
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        # Web keys are 32 hex digits, API keys 64: one can never name the other's submission.
        key = key if _FORM_KEY.match(key) else uuid.uuid4().hex
        add = next((a for a in ("employee", "witness") if f"add_{a}" in request.POST), None)
        forms = SubmissionForms(kind=kind, data=request.POST, files=request.FILES, add=add)
        if forms.is_valid():
            try:
                receipt = submission_receive(
                    data=forms.to_data(language=get_language()),
                    attachments=forms.attachments,
                    idempotency_key=key,
                    # Back, edit, send again: the edit is stored too, never dropped.
                    on_key_reuse=KeyReuse.STORE_AS_NEW,
                    client=client_address(request),
                    honeypot=forms.honeypot,
                )
            except Refused as refused:
                # A refusal about a field points at it; the rest (a rate limit) at the button
                # that sends again.
                about = forms.form[refused.field].auto_id if refused.field else "submit"
                refusal = (refused.message, about)
            else:
                return HttpResponseRedirect(token_path("intake:received", receipt.status_token))
        # Browsers never re-fill a file input, so every file chosen must be chosen again.
        lost_files = [f.name for f in request.FILES.getlist("attachments")]
    else:
        forms = SubmissionForms(kind=kind, language=get_language())
        return unbound_page(
            request,
            template=f"intake/{kind}.html",
            key=forms.markup_key(),
            # Made only if the page is rendered (not while it is kept).
            context={"forms": forms, "form": SimpleLazyObject(lambda: forms.form), "summary": []},
        )
    summary = forms.error_summary() if forms.show_errors else []
    if refusal:
        summary.insert(0, refusal)
    if lost_files and summary:
        summary.append((_files_message(lost_files), forms.files["attachments"].auto_id))
    return render(
        request,
        f"intake/{kind}.html",
        {
            "forms": forms,
            "form": forms.form,
            "idempotency_key": key,
            "summary": summary,
            "lost_files": _files_message(lost_files) if lost_files else "",
        },
    )


def _files_message(names: list[str]) -> str:
    return _(
        "Files cannot be kept when the page is shown again. Please add these again: %(names)s."
    ) % {"names": ", ".join(names)}


@never_cache
def received(request, token: str):
    submission = submission_by_status_token(token)
    if submission is None:
        raise Http404
    return render(request, "intake/received.html", {"submission": submission, "token": token})


@never_cache
def status(request, token: str):
    submission = submission_by_status_token(token)
    if submission is None:
        raise Http404
    form = MessageForm()
    summary = []
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                message_from_submitter(
                    submission=submission,
                    body=form.cleaned_data["body"],
                    client=client_address(request),
                )
            except Refused as refused:
                summary = [(refused.message, "id_body")]
            else:
                messages.success(request, _("Your message was sent."))
                return redirect(reverse("intake:status", args=[token]) + "#messages")
        summary = summary or [(str(e), "id_body") for e in form.errors.get("body", [])]
    return render(
        request,
        "intake/status.html",
        {
            "submission": submission,
            "stages": submission_stages(submission),
            "thread": submission.messages.all(),
            "form": form,
            "summary": summary,
        },
    )


def _quarantine_judge(request):
    if not may_judge_quarantine(request.user):
        raise PermissionDenied
    return request.user


@never_cache
@login_required
def quarantine(request):
    _quarantine_judge(request)
    held = quarantine_held()
    return render(request, "intake/quarantine.html", {"held": held[:200], "count": held.count()})


@never_cache
@login_required
@require_POST
def quarantine_decide(request, pk: int, decision: str):
    judge = _quarantine_judge(request)
    if decision not in ("release", "discard"):
        raise Http404
    submission = get_object_or_404(Submission, pk=pk, quarantined=True)
    if decision == "release":
        quarantine_release(submission=submission, by=judge, client=client_address(request))
        messages.success(
            request,
            _("%(number)s was released for routing.") % {"number": submission.tracking_number},
        )
    else:
        quarantine_discard(submission=submission, by=judge, client=client_address(request))
        messages.success(
            request, _("%(number)s was discarded.") % {"number": submission.tracking_number}
        )
    return redirect("intake:quarantine")
