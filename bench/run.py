"""The benchmark. It creates a database of its own (the DATABASE_URL's name + `_bench`), uses
one Redis database of its own (CANDOR_BENCH_REDIS_DB, 15 by default; it is emptied), and
measures, each headline figure printed beside its target:

1. the public flow as production runs it (bench/public_flow.py): gunicorn with two workers and
   a Celery worker on this machine, new visitors over HTTP: the form page's time, submissions
   per second with everything routed and sent, POST times at 16 clients, CPU per submission;
2. a flood of submissions stored through the intake service (the code the form calls), as fast
   as one process can, then the time from each submission to its case (or commendation) in
   its queue with every notice sent, as median, p95 and p99;
3. lost submissions (not routed, or a notice not sent, by the deadline) and duplicates (a
   second case, or a second email for one notice). Both must be zero.

Routing and email run in workers of their own, as in production. With --slow-provider S every
email takes S seconds to send during the flood: then what is measured is the time from each
submission to its case in its queue, which must not wait behind the email."""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench.public_flow import percentile, public_flow, report

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--count", type=int, default=2_000, help="submissions in the flood")
    parser.add_argument(
        "--seconds", type=float, default=20, help="length of each round of the public flow"
    )
    parser.add_argument(
        "--rate", type=float, default=0, help="flood pace per second (0: as fast as possible)"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for routing")
    parser.add_argument(
        "--slow-provider",
        type=float,
        default=0,
        help="seconds each email takes during the flood (routing is then measured alone)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        sys.exit("make bench needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
    parsed = urlparse(database_url)
    bench_db = parsed.path.lstrip("/") + "_bench"
    bench_database_url = urlunparse(parsed._replace(path=f"/{bench_db}"))
    redis_db = os.environ.get("CANDOR_BENCH_REDIS_DB", "15")
    broker_url = urlunparse(urlparse(redis_url)._replace(path=f"/{redis_db}"))
    var_dir = Path(os.environ.get("CANDOR_VAR_DIR", ROOT / "var")) / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)

    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": bench_database_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "ops.mailbox.CaptureBackend",
        "CANDOR_CAPTURE_TRACKING": "false",
        "CANDOR_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        # Every benchmark request comes from one address: lift the per-address limits, or the
        # form would (rightly) hold the flood as suspected spam instead of routing it.
        "CANDOR_INTAKE_RATE_LIMIT": "1000000000",
        "CANDOR_INTAKE_BURST_LIMIT": "1000000000",
    }
    os.environ.update(env)
    _recreate_database(database_url, bench_db)
    import redis

    redis.Redis.from_url(broker_url).flushdb()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from demo.seed import demo_seed

    demo_seed()
    print(f"bench: database {bench_db}, broker {urlparse(broker_url).netloc}/{redis_db}")

    print(f"bench: {_machine()}")
    flow = public_flow(
        database_url=bench_database_url,
        redis_url=broker_url,
        var_dir=var_dir,
        seconds=args.seconds,
        concurrency=args.concurrency,
    )
    workers = [_worker_start(var_dir, args.concurrency, queue) for queue in ("routing", "email")]
    try:
        if args.slow_provider:
            from ops.models import CaptureFault

            CaptureFault.objects.create(
                remaining=10**9, status_code=None, delay_seconds=args.slow_provider
            )
        flood = _flood(args.count, args.rate)
        routed = _wait_routed(args.timeout, notices=not args.slow_provider)
        figures = _latencies()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    _report(args, flow, flood, routed, figures)


def _recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    parsed = urlparse(admin_url)
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _worker_start(var_dir: Path, concurrency: int, queue: str) -> subprocess.Popen:
    from config.celery import app

    log = (var_dir / f"{queue}-worker.log").open("w")
    node = f"bench-{queue}-{os.getpid()}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-l",
            "warning",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{node}@%h",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"the worker exited; see {var_dir / f'{queue}-worker.log'}")
        if any(n.startswith(node) for reply in app.control.ping(timeout=0.5) for n in reply):
            return worker
    worker.kill()
    sys.exit("the worker did not answer within 60 s")


def _flood(count: int, rate: float) -> dict:
    from intake.services import EmployeeData, SubmissionData, submission_create

    categories = ["use_of_force", "discourtesy", "bias", "improper_stop", "criminal_misconduct"]
    badges = ["1003", "1004", "2003", "3003", "4003", ""]
    rng = random.Random(2026)
    started = time.perf_counter()
    for n in range(count):
        if rate:
            due = started + n / rate
            if (pause := due - time.perf_counter()) > 0:
                time.sleep(pause)
        badge = rng.choice(badges)
        kind = "compliment" if n % 5 == 4 else "complaint"
        submission_create(
            data=SubmissionData(
                kind=kind,
                narrative="Submitted by the benchmark; what happened, in a few words.",
                submitter_email=f"flood{n}@example.com",
                categories=[rng.choice(categories)] if kind == "complaint" else [],
                employees=[EmployeeData(badge=badge)] if badge else [],
            ),
            idempotency_key=uuid.uuid4().hex,
        )
    elapsed = time.perf_counter() - started
    return {"count": count, "elapsed": elapsed}


def _wait_routed(timeout: float, *, notices: bool = True) -> float:
    """Wait until every submission is routed and (unless `notices` is False) every notice sent;
    returns how long that took."""
    from intake.models import Submission
    from notices.models import Notice
    from routing.services import sweep

    started = last_sweep = time.monotonic()
    while time.monotonic() - started < timeout:
        pending = Submission.objects.exclude(routing_state=Submission.RoutingState.DONE).count()
        waiting = Notice.objects.filter(state__in=[Notice.State.QUEUED, Notice.State.SENDING])
        if not pending and not (notices and waiting.exists()):
            break
        if time.monotonic() - last_sweep >= 10:  # what beat does in production
            swept = sweep()
            if any(swept.values()):
                print(f"bench: the sweeper dispatched again {swept}")
            last_sweep = time.monotonic()
        time.sleep(1)
    return time.monotonic() - started


def _latencies() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT EXTRACT(EPOCH FROM GREATEST(
                       COALESCE(c.created_at, k.created_at),
                       (SELECT MAX(n.sent_at) FROM routing_notice n WHERE n.submission_id = s.id)
                   ) - s.received_at)
            FROM intake_submission s
            LEFT JOIN cases_case c ON c.submission_id = s.id
            LEFT JOIN commendations_commendation k ON k.submission_id = s.id
            WHERE (c.id IS NOT NULL OR k.id IS NOT NULL)
              AND s.submitter_email LIKE 'flood%%'
              AND NOT EXISTS (SELECT 1 FROM routing_notice q
                              WHERE q.submission_id = s.id AND q.sent_at IS NULL)
            """
        )
        latencies = [float(row[0]) for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT EXTRACT(EPOCH FROM COALESCE(c.created_at, k.created_at) - s.received_at)
            FROM intake_submission s
            LEFT JOIN cases_case c ON c.submission_id = s.id
            LEFT JOIN commendations_commendation k ON k.submission_id = s.id
            WHERE (c.id IS NOT NULL OR k.id IS NOT NULL) AND s.submitter_email LIKE 'flood%%'
            """
        )
        routing = [float(row[0]) for row in cursor.fetchall()]
        # Lost: any submission (form sample or flood) not routed with every notice sent.
        cursor.execute(
            """
            SELECT COUNT(*) FROM intake_submission s
            WHERE (NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.submission_id = s.id)
                   AND NOT EXISTS (SELECT 1 FROM commendations_commendation k
                                   WHERE k.submission_id = s.id))
               OR EXISTS (SELECT 1 FROM routing_notice q
                          WHERE q.submission_id = s.id AND q.sent_at IS NULL)
            """
        )
        (lost,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT COUNT(*) FROM intake_submission s
            WHERE NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.submission_id = s.id)
              AND NOT EXISTS (SELECT 1 FROM commendations_commendation k
                              WHERE k.submission_id = s.id)
            """
        )
        (unrouted,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM intake_submission")
        (total,) = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT submission_id FROM cases_case GROUP BY submission_id "
            "HAVING COUNT(*) > 1) d"
        )
        (duplicate_cases,) = cursor.fetchone()
        cursor.execute(
            # An email carries the ids of its notices (a queue's alerts go as one email).
            "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) n FROM ops_capturedemail, "
            "unnest(string_to_array(metadata->>'notice_id', ',')) AS notice_id "
            "GROUP BY notice_id HAVING COUNT(*) > 1) d"
        )
        (duplicate_emails,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM routing_notice")
        (notices,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM ops_capturedemail")
        (emails,) = cursor.fetchone()
    return {
        "latencies": latencies,
        "routing": routing,
        "total": total,
        "lost": lost,
        "unrouted": unrouted,
        "duplicate_cases": duplicate_cases,
        "duplicate_emails": int(duplicate_emails),
        "notices": notices,
        "emails": emails,
    }


def _machine() -> str:
    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    return f"{os.cpu_count()} cores, load average {load} (other work on the machine shows here)"


def _report(args, flow, flood: dict, routed: float, figures: dict) -> None:
    latencies = figures["latencies"]
    slow = f", every email taking {args.slow_provider:g} s" if args.slow_provider else ""
    print(
        "\nPublic flow (gunicorn, 2 workers; one Celery worker for both queues, concurrency "
        f"{args.concurrency}; new visitors over HTTP):"
    )
    targets = report(flow)
    if args.slow_provider:
        # The slow provider is still working through the emails: only routing can be lost.
        figures["lost"] = figures["unrouted"]
    lines = [
        f"Flood: {flood['count']} submissions through the intake service in "
        f"{flood['elapsed']:.1f} s ({flood['count'] / flood['elapsed']:.0f} per second"
        f"{f', paced at {args.rate:g}/s' if args.rate else ''}); all routed "
        f"{routed:.1f} s after the last one",
        f"Submission to case in queue with its notices sent ({len(latencies)} flood "
        f"submissions, worker concurrency {args.concurrency}):",
        f"  median {statistics.median(latencies):.2f} s   p95 {percentile(latencies, 0.95):.2f} s"
        f"   p99 {percentile(latencies, 0.99):.2f} s"
        if latencies
        else "  none routed",
        f"Submission to case in queue, routing alone ({len(figures['routing'])} flood "
        f"submissions{slow}):",
        f"  median {statistics.median(figures['routing']):.2f} s   "
        f"p95 {percentile(figures['routing'], 0.95):.2f} s   "
        f"p99 {percentile(figures['routing'], 0.99):.2f} s"
        if figures["routing"]
        else "  none routed",
        f"Notices {figures['notices']}, emails {figures['emails']}",
        f"Lost: {figures['lost']} of {figures['total']}   Duplicated: "
        f"{figures['duplicate_cases']} cases, {figures['duplicate_emails']} emails",
        "",
    ]
    if args.slow_provider:
        lines.insert(-1, "  (with a slow provider, lost counts submissions not routed)")
    lost = figures["lost"] + figures["duplicate_cases"] + figures["duplicate_emails"]
    targets.append(("lost or duplicated submissions, cases, emails", str(lost), "0", not lost))
    lines.append(f"{'figure':<58} {'measured':>22}  {'target':<9} met")
    lines += [
        f"{what:<58} {measured:>22}  {target:<9} {'yes' if met else 'NO'}"
        for what, measured, target, met in targets
    ]
    print("\n".join(lines) + "\n")
    if lost:
        sys.exit(1)
