from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .selectors import cases_in_queue, queues_for


@never_cache
@login_required
def queues(request):
    return render(request, "cases/queues.html", {"queues": queues_for(request.user)})


@never_cache
@login_required
def queue_detail(request, slug: str):
    # Only a member sees a queue; any other answers 404, so its existence is not revealed.
    queue = queues_for(request.user).filter(slug=slug).first()
    if queue is None:
        raise Http404
    page = Paginator(cases_in_queue(queue=queue), 50).get_page(request.GET.get("page"))
    return render(request, "cases/queue.html", {"queue": queue, "page": page})
