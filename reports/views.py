"""The report pages: the staff summary (with its printable version and a CSV of each table)
and the public transparency page (with CSV and JSON downloads and the data dictionary). The
staff pages ask reports/permissions.py; the public ones read only the published, suppressed
figures from the cache."""

from datetime import date

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .charts import chart
from .forms import PeriodForm
from .periods import Period
from .permissions import require_reports
from .tables import SLUGS, Table, public_table, summary
from .transparency import transparency_payload

PUBLIC_CACHE_SECONDS = 300


def _period(request) -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.period()


def _charted(tables: list[Table]) -> list[tuple[Table, str]]:
    return [(table, chart(table)) for table in tables]


@never_cache
@require_safe
def summary_page(request, *, printable: bool = False):
    require_reports(request.user)
    form, period = _period(request)
    context = {"form": form, "period": period, "query": request.GET.urlencode()}
    if period is None:
        context["summary"] = form.error_summary()
        return render(request, "reports/summary.html", context, status=400)
    tables = summary(period=period)
    context.update({"previous": period.year_before(), "tables": _charted(tables), "key": tables[0]})
    template = "reports/summary_print.html" if printable else "reports/summary.html"
    return render(request, template, context)


@never_cache
@require_safe
def summary_csv(request, slug: str):
    require_reports(request.user)
    if slug not in SLUGS:
        raise Http404
    form, period = _period(request)
    if period is None:
        return HttpResponse(
            "\n".join(str(message) for message, _anchor in form.error_summary()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = next(t for t in summary(period=period) if t.slug == slug)
    return _csv(table, f"candor-{slug}-{period.slug}.csv")


def _csv(table: Table, filename: str) -> HttpResponse:
    # A byte-order mark so that spreadsheets read the accents of Spanish and Bosnian labels.
    response = HttpResponse("\ufeff" + table.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The public page ----------------------------------------------------------------------------


def _year(payload: dict, year: int | None) -> tuple[int, dict]:
    years = payload["years"]
    if year is None:
        return int(next(iter(years))), years[next(iter(years))]
    data = years.get(str(year))
    if data is None:
        raise Http404
    return year, data


def _public_headers(response: HttpResponse) -> HttpResponse:
    # Shared caches may keep it a few minutes: the figures change hourly at most.
    response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
    return response


@require_safe
def transparency(request, year: int | None = None):
    payload = transparency_payload()
    if year is None and len(payload["years"]) > 1:
        # The last whole year is the annual summary; this year so far is one link away.
        return redirect("transparency:year", year=int(list(payload["years"])[1]))
    year, data = _year(payload, year)
    tables = [public_table(slug, data["tables"][slug]) for slug in SLUGS]
    context = {
        "year": year,
        "years": [int(y) for y in payload["years"]],
        "start": date.fromisoformat(data["start"]),
        "end": date.fromisoformat(data["end"]),
        "generated_at": parse_datetime(payload["generated_at"]),
        "received": public_table("received-by-month", data["tables"]["received-by-month"]).total,
        "tables": _charted(tables),
        "shared": [
            {**c, "month": date.fromisoformat(c["month"] + "-01")}
            for c in data["shared_commendations"]
        ],
    }
    return _public_headers(render(request, "reports/transparency.html", context))


@require_safe
def transparency_csv(request, year: int, slug: str):
    if slug not in SLUGS:
        raise Http404
    year, data = _year(transparency_payload(), year)
    table = public_table(slug, data["tables"][slug])
    return _public_headers(_csv(table, f"candor-{year}-{slug}.csv"))


@require_safe
def transparency_json(request, year: int):
    payload = transparency_payload()
    year, data = _year(payload, year)
    body = {
        "year": year,
        "start": data["start"],
        "end": data["end"],
        "generated_at": payload["generated_at"],
        "tables": {},
        "shared_commendations": data["shared_commendations"],
    }
    for slug in SLUGS:
        table = public_table(slug, data["tables"][slug])
        body["tables"][slug] = {
            "title": table.title,
            "rows": [
                {"key": row.key, "label": row.label, "values": [c.json() for c in row.cells]}
                for row in table.rows
            ],
            "columns": table.columns,
            "total": [c.json() for c in table.total.cells] if table.total else None,
            "withheld_whole": table.withheld_whole,
        }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="candor-{year}.json"'
    return _public_headers(response)


@require_safe
def data_dictionary(request):
    payload = transparency_payload()
    return _public_headers(
        render(
            request,
            "reports/data_dictionary.html",
            {"slugs": SLUGS, "year": int(next(iter(payload["years"])))},
        )
    )
