"""The audit search for the auditor: every recorded view and change, of every case and
commendation, filtered by person, action, tracking number and time, and its CSV export.

It lives here, beside the trail, because it needs nothing but the trail: audit sits low in the
rooms' order, so these views may import only staff, ops and config, and the trail's links to
case pages are URL names in the template, not imports."""

import logging

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from staff.exports import csv_response

from .exports import AUDIT_CSV_HEADER, audit_csv_rows
from .filters import AuditFilter
from .permissions import require_audit_search

logger = logging.getLogger("candor.access")
PAGE_SIZE = 100


@never_cache
@require_safe
def search(request):
    require_audit_search(request.user)
    filters = AuditFilter(request.GET)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    logger.info("audit search by user %s: %s", request.user.pk, query.urlencode() or "-")
    return render(
        request,
        "audit/search.html",
        {"form": filters.form, "page": page, "query": query.urlencode()},
    )


@never_cache
@require_safe
def export(request):
    require_audit_search(request.user)
    filters = AuditFilter(request.GET)
    logger.info("audit export by user %s: %s", request.user.pk, request.GET.urlencode() or "-")
    return csv_response(
        filename=f"audit-{timezone.localdate().isoformat()}.csv",
        header=AUDIT_CSV_HEADER,
        rows=audit_csv_rows(filters.qs.iterator(chunk_size=1000)),
    )
