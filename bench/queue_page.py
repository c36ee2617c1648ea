"""The staff case list at scale: `python -m bench.queue_page` (part of `make bench`).

It creates a database of its own (the DATABASE_URL's name + `_benchq`), fills it with
`--cases` complaints (100,000 by default) spread over the BPS queues, statuses, assignees and
due dates, signs a BPS commander in with both factors, and times the pages an investigator uses
all day: the queue overview, the case list as it opens, filtered, searched and deep in its
pages. It prints median and p99 server time (Django's test client, in process) and the number
of database queries of each page, which must not depend on the number of cases."""

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode, urlparse

from bench.run import percentile
from bench.staff_pages import bench_database, commander_signed_in

BATCH = 5_000
TARGET_MS = 100  # every page and every search, at 100,000 cases (issue: speed)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.queue_page", description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the database")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run when it holds the cases already (migrated)",
    )
    args = parser.parse_args()

    bench_db = bench_database(
        suffix="_benchq",
        benchmark="the queue page benchmark",
        keep=(lambda admin_url, name: _holds(admin_url, name, args.cases)) if args.reuse else None,
    )
    from cases.models import Case

    if Case.objects.count() < args.cases:
        from demo.seed import demo_seed

        demo_seed()
        started = time.perf_counter()
        _fill(args.cases)
        print(
            f"bench: database {bench_db}, {args.cases:,} cases created in "
            f"{time.perf_counter() - started:.0f} s"
        )
    _measure(args.repeat)


def _holds(admin_url: str, name: str, cases: int) -> bool:
    """Whether an earlier run left the database with at least this many cases."""
    import psycopg

    parsed = urlparse(admin_url)
    try:
        with psycopg.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            dbname=name,
        ) as connection:
            return connection.execute("SELECT count(*) FROM cases_case").fetchone()[0] >= cases
    except psycopg.Error:
        return False


def _fill(count: int) -> None:
    """Submissions, their named employee and their case, in batches, as routing leaves them."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case
    from directory.models import Employee
    from intake.models import AllegationCategory, InvolvedEmployee, Submission
    from intake.tracking import status_token_digest
    from staff.models import Queue

    rng = random.Random(2026)  # noqa: S311 - benchmark data, not a secret
    queues = list(Queue.objects.filter(kind=Queue.Kind.BPS))
    staff = list(
        get_user_model().objects.filter(username__in=["investigator", "integrity", "intake"])
    )
    employees = list(Employee.objects.all())
    statuses = [s for s, _label in Case.Status.choices]
    categories = [c for c, _label in AllegationCategory.choices]
    words = ["stop", "search", "car", "door", "phone", "ticket", "shouted", "pushed", "porch"]
    words += ["alley", "parking", "lot", "store"]
    now = timezone.now()
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        with transaction.atomic():
            submissions = []
            for n in range(start, start + size):
                key = uuid.uuid4().hex
                received = now - timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
                submissions.append(
                    Submission(
                        kind=Submission.Kind.COMPLAINT,
                        tracking_number=f"C-{received.year}-{900000 + n:06d}",
                        status_token_digest=status_token_digest(key),
                        idempotency_key=key,
                        received_at=received,
                        routing_state=Submission.RoutingState.DONE,
                        narrative=" ".join(rng.choices(words, k=40)),
                        categories=[rng.choice(categories)],
                    )
                )
            Submission.objects.bulk_create(submissions)
            InvolvedEmployee.objects.bulk_create(
                InvolvedEmployee(
                    submission=s,
                    name=(e := rng.choice(employees)).full_name,
                    badge=e.dsn,
                    employee=e,
                    match_state=InvolvedEmployee.MatchState.MATCHED,
                    match_confidence=1.0,
                )
                for s in submissions
            )
            Case.objects.bulk_create(
                Case(
                    submission=s,
                    queue=rng.choice(queues),
                    rule_name="Benchmark",
                    status=rng.choice(statuses),
                    assignee=rng.choice(staff) if rng.random() < 0.7 else None,
                    due_date=(s.received_at + timedelta(days=rng.choice([30, 60, 90]))).date(),
                )
                for s in submissions
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _measure(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case
    from staff.models import Queue

    commander, client = commander_signed_in()

    use_of_force = Queue.objects.get(slug="use-of-force").pk
    # Page 500, or the deepest page there is when a smaller database (--cases) has fewer.
    from cases.permissions import cases_visible_to

    deep = max(1, min(500, (cases_visible_to(commander).count() - 1) // 50))
    some_case = Case.objects.select_related("submission").order_by("?").first()
    pages = {
        "queue overview": "/staff/queues/",
        "home (the commander's work)": "/staff/",
        "case list, as it opens": "/staff/cases/",
        "filtered: queue + status + overdue": "/staff/cases/?"
        + urlencode({"queue": use_of_force, "status": "investigating", "overdue": "on"}),
        "search: tracking number": "/staff/cases/?"
        + urlencode({"q": some_case.submission.tracking_number}),
        "search: employee name": "/staff/cases/?" + urlencode({"q": "Morales"}),
        "search: words in the account": "/staff/cases/?" + urlencode({"q": "parking"}),
        "search: badge number": "/staff/cases/?" + urlencode({"q": "1003"}),
        "search: a word nobody wrote": "/staff/cases/?" + urlencode({"q": "xylophone"}),
        # Every account is forty words out of thirteen: two of them side by side are in one
        # account in five, three in one in sixty, and the trigram index narrows neither.
        "search: two common words": "/staff/cases/?" + urlencode({"q": "parking lot"}),
        "search: three common words": "/staff/cases/?" + urlencode({"q": "parking lot door"}),
        # Paging is by keyset: "Next" carries the last case of the page, so page 500 is the
        # page after the 24,950th case in the list's order, reached without reading the rest.
        f"page {deep} of the list": "/staff/cases/?"
        + urlencode({"after": _nth_case_pk(commander, (deep - 1) * 50)}),
        f"page {deep}, sorted by received": "/staff/cases/?"
        + urlencode(
            {"sort": "-received", "after": _nth_case_pk(commander, (deep - 1) * 50, "-received")}
        ),
    }
    print(
        f"\nStaff pages with {Case.objects.count():,} cases (signed in as the BPS commander, "
        f"{repeat} requests each):"
    )
    for name, url in pages.items():
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
        median = statistics.median(times) * 1000
        print(
            f"  {name:<36} median {median:7.1f} ms   p99 {percentile(times, 0.99) * 1000:7.1f} ms"
            f"   {len(queries):2} queries   target: median < {TARGET_MS} ms "
            f"{'yes' if median < TARGET_MS else 'NO'}"
        )


def _nth_case_pk(user, n: int, sort: str = "due") -> int:
    """The case at position n (from 0) of the user's case list in this sort."""
    from cases.filters import SORTS
    from cases.permissions import cases_visible_to

    order = SORTS[sort][1]
    return cases_visible_to(user).order_by(*order).values_list("pk", flat=True)[n]


if __name__ == "__main__":
    main()
