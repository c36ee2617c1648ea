"""The report pages at scale: `python -m bench.report_pages` (part of `make bench`).

It creates a database of its own (the DATABASE_URL's name + `_benchr`), fills it with
`--submissions` generated complaints and compliments (100,000 by default; the demo history's
generator, so the cases carry channels, areas, allegations, findings and endings as case work
leaves them) over the past two years, signs a BPS commander in with both factors and times the
annual summary (this year so far and last year, each beside the year before, a two-year range,
a CSV, the printable version), then the beat task that publishes the transparency page, and
the public page served from the cache. It prints median and p99 server time (Django's test
client, in process) and each page's number of database queries, which must not depend on the
number of cases (the public page's must be 0)."""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from urllib.parse import urlencode

from bench.run import percentile
from bench.staff_pages import bench_database, commander_signed_in


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report_pages", description=__doc__)
    parser.add_argument("--submissions", type=int, default=100_000, help="generated submissions")
    parser.add_argument("--repeat", type=int, default=15, help="requests per page")
    args = parser.parse_args()

    bench_db = bench_database(suffix="_benchr", benchmark="the report benchmark")
    from django.db import connection

    from cases.models import Case
    from demo.history import demo_history_create
    from demo.seed import demo_seed

    demo_seed()
    started = time.perf_counter()
    generated = demo_history_create(count=args.submissions)
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets
        # the summary read its columns from the covering index alone.
        cursor.execute("VACUUM ANALYZE")
    print(
        f"bench: database {bench_db}, {generated.complaints:,} complaints "
        f"({Case.objects.count():,} cases) and {generated.compliments:,} compliments created in "
        f"{time.perf_counter() - started:.0f} s"
    )
    _measure(args.repeat)


def _timed(client, url: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)


def _line(name: str, times: list[float], queries: int | str) -> str:
    return (
        f"  {name:<40} median {statistics.median(times) * 1000:7.1f} ms"
        f"   p99 {percentile(times, 0.99) * 1000:7.1f} ms   {queries} queries"
    )


def _measure(repeat: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from reports.transparency import transparency_refresh

    _commander, client = commander_signed_in()

    today = timezone.localdate()
    last_year = today.year - 1
    two_years = {"start": (today - timedelta(days=730)).isoformat(), "end": today.isoformat()}
    pages = {
        "summary: this year so far": "/staff/reports/",
        f"summary: {last_year}": f"/staff/reports/?year={last_year}",
        "summary: the past two years": "/staff/reports/?" + urlencode(two_years),
        "summary: one table as CSV": f"/staff/reports/findings.csv?year={last_year}",
        "summary: printable version": f"/staff/reports/print/?year={last_year}",
    }
    print(f"\nReport pages (signed in as the BPS commander, {repeat} requests each):")
    for name, url in pages.items():
        times, queries = _timed(client, url, repeat)
        print(_line(name, times, queries))

    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        transparency_refresh()
        builds.append(time.perf_counter() - t0)
    print(_line("transparency: the beat task's refresh", builds, "-"))
    public = Client(HTTP_HOST="127.0.0.1")
    for name, url in {
        "transparency: the page, from the cache": f"/transparency/{last_year}/",
        "transparency: a year as JSON": f"/transparency/{last_year}.json",
    }.items():
        times, queries = _timed(public, url, repeat * 4)
        print(_line(name, times, queries))
    print(f"  (today is {date.today():%Y-%m-%d}; the years are {last_year} and {today.year})")


if __name__ == "__main__":
    main()
