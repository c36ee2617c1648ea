from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from ops.clients import client_address

from .permissions import may_post_letters
from .selectors import letters_for
from .services import (
    letter_render,
    notice_acknowledge,
    notice_by_acknowledge_token,
    paper_letter_mark_posted,
)
from .webhooks import tracking_webhook_answer


@never_cache
def acknowledge(request, token: str):
    """The link in a commendation notice. A GET shows one button and a POST records the
    acknowledgement: mail filters open links in emails to scan them, and a GET that changed
    state would be acknowledged by the filter, not by the person."""
    notice = notice_by_acknowledge_token(token)
    if notice is None:
        raise Http404
    if request.method == "POST":
        notice = notice_acknowledge(notice=notice)
    return render(request, "notices/acknowledge.html", {"notice": notice})


@never_cache
@login_required
def letters(request):
    if not may_post_letters(request.user):
        raise Http404  # no queue, no letters: the 404 of any page a person may not use
    return render(request, "notices/letters.html", {"letters": letters_for(request.user)[:200]})


@never_cache
@login_required
def letter(request, pk: int):
    letter = get_object_or_404(letters_for(request.user), pk=pk)
    audit_record(
        action=AuditAction.LETTER_VIEW,
        submission=letter.submission,
        actor=request.user,
        client=client_address(request),
    )
    return render(request, "notices/letter.html", {"letter": letter, **letter_render(letter)})


@never_cache
@login_required
@require_POST
def letter_posted(request, pk: int):
    letter = get_object_or_404(letters_for(request.user), pk=pk)
    paper_letter_mark_posted(letter=letter, actor=request.user, client=client_address(request))
    return redirect("notices:letters")


@csrf_exempt  # the provider authenticates with the webhook secret and its signature
def tracking_webhook(request, esp: str):
    return tracking_webhook_answer(request, esp=esp)
