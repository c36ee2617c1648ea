from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import CapturedEmail


def _mailbox_enabled():
    if not getattr(settings, "CANDOR_DEV_MAILBOX", False):
        raise Http404


def mailbox(request):
    """The dev mailbox of `make run`: every email the capture backend kept, newest first."""
    _mailbox_enabled()
    return render(request, "ops/mailbox.html", {"emails": CapturedEmail.objects.all()[:200]})


def mailbox_message(request, pk: int):
    _mailbox_enabled()
    return render(
        request, "ops/mailbox_message.html", {"email": get_object_or_404(CapturedEmail, pk=pk)}
    )
