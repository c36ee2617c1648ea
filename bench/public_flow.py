"""The public flow as it runs in production: gunicorn with two sync workers and the Celery
worker (concurrency 2) on the same machine, real PostgreSQL and Redis, new visitors over HTTP
(bench/load.py). Measures the form page's time, submissions per second with every submission
routed and every notice sent by the worker, POST times at 16 clients, and the CPU each
submission costs the web side and the worker, each with its PostgreSQL backends.

CPU comes from /proc: every process of the server's process group (each server is started in
a session of its own), and the PostgreSQL backends serving it, told apart by application name
(PGAPPNAME). Emails go to the console backend, whose output nobody reads, as in the side by
side comparison with django-helpdesk (README, "Benchmarks")."""

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import load

ROOT = Path(__file__).resolve().parents[1]
_TICK = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


# --- CPU accounting ----------------------------------------------------------------------------


def _stat(pid: int | str) -> tuple[int, float] | None:
    """(process group, user + system CPU seconds) of a live process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICK


def group_cpu(group: int) -> float:
    total = 0.0
    for name in os.listdir("/proc"):
        if name.isdigit() and (stat := _stat(name)) and stat[0] == group:
            total += stat[1]
    return total


def machine_busy() -> float:
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / _TICK


class Backends:
    """The PostgreSQL backends of one database, by the application name of their client."""

    def __init__(self, connection, database: str):
        self.connection, self.database = connection, database

    def cpu(self, application: str) -> dict[int, float]:
        rows = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [self.database, application],
        ).fetchall()
        return {pid: stat[1] for (pid,) in rows if (stat := _stat(pid))}


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# --- The servers -------------------------------------------------------------------------------


@dataclass
class Servers:
    port: int
    web: subprocess.Popen
    worker: subprocess.Popen
    logs: list = field(default_factory=list)

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in self.logs:
            log.close()


def server_env(*, database_url: str, redis_url: str, var_dir: Path) -> dict:
    """Production settings, as the side by side comparison runs them."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghij",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CANDOR_VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "CANDOR_CAPTURE_TRACKING": "false",
        "LOG_LEVEL": "WARNING",
        # Every request comes from one address: lift the per-address limits.
        "CANDOR_INTAKE_RATE_LIMIT": "1000000000",
        "CANDOR_INTAKE_BURST_LIMIT": "1000000000",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def servers_start(*, env: dict, var_dir: Path, concurrency: int) -> Servers:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = _free_port()
    web_log = (var_dir / "gunicorn.log").open("w")
    worker_log = (var_dir / "worker-http.log").open("w")
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket"],
        cwd=ROOT,
        env={**env, "PGAPPNAME": "candor-bench-web"},
        stdout=subprocess.DEVNULL,
        stderr=web_log,
        start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning",
         "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
         "-n", f"bench-http-{os.getpid()}@%h"],
        cwd=ROOT,
        env={**env, "PGAPPNAME": "candor-bench-worker"},
        stdout=subprocess.DEVNULL,
        stderr=worker_log,
        start_new_session=True,
    )  # fmt: skip
    servers = Servers(port=port, web=web, worker=worker, logs=[web_log, worker_log])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if web.poll() is not None or worker.poll() is not None:
            servers.stop()
            sys.exit(f"a server exited; see {var_dir}/gunicorn.log and worker-http.log")
        try:
            if load.request(port, "GET", "/complaint/").status == 200:
                return servers
        except OSError:
            pass
        time.sleep(0.3)
    servers.stop()
    sys.exit("gunicorn did not answer within 60 s")


# --- Measuring ---------------------------------------------------------------------------------


def drained(timeout: float = 300) -> float:
    """Wait until every submission is routed and every notice sent; returns when (monotonic)."""
    from intake.models import Submission
    from notices.models import Notice

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (
            not Submission.objects.exclude(routing_state=Submission.RoutingState.DONE).exists()
            and not Notice.objects.filter(
                state__in=[Notice.State.QUEUED, Notice.State.SENDING]
            ).exists()
        ):
            return time.monotonic()
        time.sleep(0.1)
    sys.exit(f"the worker had not routed and sent everything {timeout:.0f} s after the round")


def analyzed_where_autovacuum_is_off() -> None:
    """Gather the tables' statistics, as autovacuum would by now, where the server's is off (it
    is on by default, and in docker-compose): a run must not measure plans made for tables
    PostgreSQL takes for empty."""
    from django.db import connection

    from demo.seed import statistics_gather

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return
    statistics_gather()
    print("bench: autovacuum is off on this server: the tables were analyzed after the warm-up")


@dataclass
class Measured:
    round: load.Round
    web_ms: float  # gunicorn's processes, per submission (form page included)
    web_db_ms: float  # their PostgreSQL backends
    worker_ms: float  # Celery's processes, routing and sending, per submission
    worker_db_ms: float
    drained_after: float  # seconds after the round until all was routed and sent
    machine_cores: float  # the whole machine's busy cores during the round
    ours_cores: float  # what the servers and their backends used of it


def measured_round(
    *, servers: Servers, backends: Backends, clients: int, seconds: float, seed: int
) -> Measured:
    """One closed-loop round; CPU of the web side over the round, and of the worker until it
    has routed and sent everything the round submitted."""
    web0, worker0 = group_cpu(servers.web.pid), group_cpu(servers.worker.pid)
    web_db0 = backends.cpu("candor-bench-web")
    worker_db0 = backends.cpu("candor-bench-worker")
    machine0, began = machine_busy(), time.monotonic()
    result = load.closed_loop(
        port=servers.port, clients=clients, seconds=seconds, limit=100_000, seed=seed
    )
    ended = time.monotonic()
    machine = machine_busy() - machine0
    web = group_cpu(servers.web.pid) - web0
    web_db = _spent(web_db0, backends.cpu("candor-bench-web"))
    worker_in_round = group_cpu(servers.worker.pid) - worker0
    worker_db_in_round = _spent(worker_db0, backends.cpu("candor-bench-worker"))
    done = drained()
    worker = group_cpu(servers.worker.pid) - worker0
    worker_db = _spent(worker_db0, backends.cpu("candor-bench-worker"))
    count = max(1, result.submissions)
    wall = ended - began
    return Measured(
        round=result,
        web_ms=web / count * 1000,
        web_db_ms=web_db / count * 1000,
        worker_ms=worker / count * 1000,
        worker_db_ms=worker_db / count * 1000,
        drained_after=max(0.0, done - ended),
        machine_cores=machine / wall,
        ours_cores=(web + web_db + worker_in_round + worker_db_in_round) / wall,
    )


@dataclass
class Flow:
    form_page: list[float]
    at_8: Measured
    at_16: Measured


def public_flow(
    *, database_url: str, redis_url: str, var_dir: Path, seconds: float, concurrency: int
) -> Flow:
    import psycopg
    from django.conf import settings

    env = server_env(database_url=database_url, redis_url=redis_url, var_dir=var_dir)
    servers = servers_start(env=env, var_dir=var_dir, concurrency=concurrency)
    database = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    backends = Backends(admin, database["NAME"])
    try:
        load.closed_loop(port=servers.port, clients=4, seconds=4, limit=400, seed=99)  # warm
        drained()
        analyzed_where_autovacuum_is_off()
        load.page_times(port=servers.port, path="/complaint/", count=50)
        form_page = load.page_times(port=servers.port, path="/complaint/", count=400)
        at_8 = measured_round(
            servers=servers, backends=backends, clients=8, seconds=seconds, seed=1
        )
        at_16 = measured_round(
            servers=servers, backends=backends, clients=16, seconds=seconds, seed=2
        )
    finally:
        servers.stop()
        admin.close()
    return Flow(form_page=form_page, at_8=at_8, at_16=at_16)


def report(flow: Flow) -> list[tuple[str, str, str, bool]]:
    """(what, measured, target, met) rows; also printed with the details."""
    ms = 1000
    at_8, at_16 = flow.at_8, flow.at_16
    page_p50 = statistics.median(flow.form_page) * ms
    post_p99 = percentile(at_16.round.posts, 0.99) * ms
    # The "web and worker together": each with the PostgreSQL backends it keeps busy.
    web, worker = at_8.web_ms + at_8.web_db_ms, at_8.worker_ms + at_8.worker_db_ms
    cpu = web + worker
    for name, measured in (("8 clients", at_8), ("16 clients", at_16)):
        result = measured.round
        print(
            f"  {name}: {result.submissions} submissions in {result.seconds:.1f} s, "
            f"{result.per_second:.1f}/s, errors {result.errors or 'none'}; all routed and "
            f"sent {measured.drained_after:.1f} s after the last"
        )
        print(
            f"    POST median {statistics.median(result.posts) * ms:.1f} ms, "
            f"p99 {percentile(result.posts, 0.99) * ms:.1f} ms; form page under load median "
            f"{statistics.median(result.gets) * ms:.1f} ms"
        )
        print(
            f"    CPU per submission: web {measured.web_ms:.1f} ms + its PostgreSQL "
            f"{measured.web_db_ms:.1f} ms; worker {measured.worker_ms:.1f} ms + its "
            f"PostgreSQL {measured.worker_db_ms:.1f} ms"
        )
        print(
            f"    machine busy {measured.machine_cores:.2f} cores during the round, "
            f"of which the servers and their backends {measured.ours_cores:.2f}"
        )
    return [
        ("form page GET, p50 (one visitor at a time)", f"{page_p50:.2f} ms", "< 3 ms",
         page_p50 < 3),
        ("submissions/s, 8 clients, worker routing and sending", f"{at_8.round.per_second:.0f}",
         ">= 150", at_8.round.per_second >= 150),
        ("POST p99 at 16 clients", f"{post_p99:.0f} ms", "< 250 ms", post_p99 < 250),
        ("CPU per submission, web + worker, each with its PostgreSQL",
         f"{cpu:.1f} ms ({web:.1f} + {worker:.1f})", "<= 10 ms", cpu <= 10),
    ]  # fmt: skip
