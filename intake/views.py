import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from .forms import ComplaintForm
from .selectors import submission_by_status_token
from .services import submission_create


def home(request):
    return render(request, "intake/home.html")


def complaint(request):
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        if form.is_valid():
            receipt = submission_create(
                data=form.to_data(language=get_language()),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
            return redirect("intake:received", token=receipt.status_token)
        key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    else:
        form = ComplaintForm()
        key = uuid.uuid4().hex
    return render(request, "intake/complaint.html", {"form": form, "idempotency_key": key})


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
    return render(request, "intake/status.html", {"submission": submission})
