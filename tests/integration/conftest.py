"""A live Celery worker on the real Redis, against the real PostgreSQL test database.

The worker is a separate process, as in production: it acknowledges late, can be killed, and
reads the test database through its own connections. Tests here use transactional databases
so that what they store is committed and visible to it."""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
import redis
from django.db import connection

from config.celery import app
from tests.services import reachable, unavailable

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def redis_broker_url():
    """A Redis database of its own (CANDOR_TEST_REDIS_DB, the last of 16 by default), emptied
    first."""
    url = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        unavailable("integration tests need a real Redis: set REDIS_URL")
    if not reachable(url):
        unavailable(f"Redis at {urlparse(url).netloc} does not answer")
    parsed = urlparse(url)
    database = os.environ.get("CANDOR_TEST_REDIS_DB", "15")
    broker = urlunparse(parsed._replace(path=f"/{database}"))
    redis.Redis.from_url(broker).flushdb()
    return broker


@pytest.fixture(scope="session")
def postgres_test_url(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        unavailable("integration tests need a real PostgreSQL: set DATABASE_URL=postgres://…")
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class LiveWorker:
    """One Celery worker process consuming `queues`, as docker-compose runs one per queue."""

    def __init__(
        self,
        *,
        broker_url: str,
        database_url: str,
        log: Path,
        name: str = "test",
        queues: str = "routing,email",
    ):
        self.base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_BACKEND": "ops.mailbox.CaptureBackend",
            "CANDOR_VAR_DIR": str(log.parent),
            # Provider faults are retried after 0.5, 1, 2 … s instead of 30 s, 1 min …
            "CANDOR_NOTICE_RETRY_SECONDS": "0.5",
            # A provider that does not answer is given up on after 2 s instead of 10.
            "EMAIL_TIMEOUT": "2",
            # Notices stay `sent`: delivery events are shown by the unit tests.
            "CANDOR_CAPTURE_TRACKING": "false",
        }
        self.env = dict(self.base_env)
        self.log = log
        self.name = f"{name}-{os.getpid()}"
        self.queues = queues
        self.broker_url = broker_url
        self.process: subprocess.Popen | None = None

    def restart(self, **extra_env: str):
        """Stop (if running) and start again with these extra environment variables (see
        tests/integration/worker_app.py); with none, as the session started it."""
        self.stop()
        self.env = {**self.base_env, **extra_env}
        self.start()

    def start(self):
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.integration.worker_app",
                "worker",
                "-Q",
                self.queues,
                "-l",
                "info",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{self.name}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.kill()
                raise RuntimeError(f"the worker exited at start; see {self.log}")
            if self.answers():
                return
            time.sleep(0.5)
        # Never leave it behind: an orphan worker would take the next run's tasks.
        self.kill()
        raise RuntimeError(f"the worker did not answer a ping within 60 s; see {self.log}")

    def answers(self) -> bool:
        with app.connection_for_write(self.broker_url) as connection:
            replies = app.control.ping(timeout=0.5, connection=connection)
        return any(node.startswith(f"{self.name}@") for reply in replies for node in reply)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL, as when a machine dies: nothing is acknowledged on the way out."""
        self.process.kill()
        self.process.wait(timeout=30)
        # Its pool children carry the same command line, with this worker's own node name.
        subprocess.run(["pkill", "-9", "-f", f"{self.name}@"], check=False)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Workers:
    """A routing worker and an email worker, each with a pool of its own, as in production:
    a slow email provider holds the email worker's processes only."""

    def __init__(self, *, broker_url: str, database_url: str, log_dir: Path, name: str = "test"):
        self.routing = LiveWorker(
            broker_url=broker_url,
            database_url=database_url,
            log=log_dir / "routing-worker.log",
            name=f"{name}-routing",
            queues="routing",
        )
        self.email = LiveWorker(
            broker_url=broker_url,
            database_url=database_url,
            log=log_dir / "email-worker.log",
            name=f"{name}-email",
            queues="email",
        )
        self.all = [self.routing, self.email]

    def start(self):
        for worker in self.all:
            worker.start()

    def restart(self, **extra_env: str):
        for worker in self.all:
            worker.restart(**extra_env)

    def kill(self):
        for worker in self.all:
            worker.kill()

    def stop(self):
        for worker in self.all:
            worker.stop()

    def running(self) -> bool:
        return all(worker.running() for worker in self.all)

    @property
    def logs(self) -> list[Path]:
        return [worker.log for worker in self.all]


@pytest.fixture(scope="package")
def live_worker(redis_broker_url, postgres_test_url, tmp_path_factory):
    """Points this process's Celery app at the real Redis and starts real workers on it: one
    for routing, one for email. Only for this package: once its tests are done the workers stop
    and the app points at the in-memory broker again, so that the unit tests run after it never
    hand a notice to a live worker that would race them for it."""
    keys = ["broker_url", "broker_read_url", "broker_write_url", "broker_transport_options"]
    previous = {key: app.conf[key] for key in keys}
    # The read and write URLs are resolved from broker_url once; all three must change.
    app.conf.update(
        broker_url=redis_broker_url,
        broker_read_url=redis_broker_url,
        broker_write_url=redis_broker_url,
        broker_transport_options={"visibility_timeout": 3600},
    )
    _reset_pools()
    workers = Workers(
        broker_url=redis_broker_url,
        database_url=postgres_test_url,
        log_dir=tmp_path_factory.mktemp("workers"),
    )
    workers.start()
    yield workers
    workers.stop()
    print(f"\nlive worker logs: {', '.join(map(str, workers.logs))}")
    app.conf.update(previous)
    _reset_pools()


@contextmanager
def broker_at(url: str):
    """Point this process's Celery app (the web side) at another broker for a while, e.g. a
    dead port to play a broker outage."""
    keys = ["broker_url", "broker_read_url", "broker_write_url"]
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(dict.fromkeys(keys, url))
    _reset_pools()
    try:
        yield
    finally:
        app.conf.update(previous)
        _reset_pools()


def _reset_pools():
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _other_backends_terminated(cursor) -> int:
    cursor.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return cursor.fetchone()[0]


def database_connections_dropped() -> int:
    """What a PostgreSQL restart does to every process using the test database (the web
    server, the workers): their connections are cut. This test's own connection is spared.
    Returns how many were cut."""
    with connection.cursor() as cursor:
        return _other_backends_terminated(cursor)


@contextmanager
def database_down():
    """The test database as during a restart: every other connection cut and new ones refused
    until the block ends. Nothing else on the server is touched."""
    settings = connection.settings_dict
    name = connection.ops.quote_name(settings["NAME"])
    # A database cannot refuse connections while one is changing it: change it from another.
    admin = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        try:
            database_connections_dropped()
            yield
        finally:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    finally:
        admin.close()


class RedisServer:
    """A redis-server of this test's own (never the machine's shared one), configured as
    production's (docker-compose.yml): append-only file, fsync on every write, noeviction. It
    can be killed and started again on the same port and data, as a crashed Redis restarted by
    its supervisor."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.binary = shutil.which("redis-server")
        with socket.socket() as probe:  # a free port, chosen by the system
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=(self.directory / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: reachable(self.url), timeout=10, what="redis-server to listen")
        wait_for(self._loaded, timeout=10, what="redis-server to load its data")

    def _loaded(self) -> bool:
        try:
            return redis.Redis.from_url(self.url).ping()
        except redis.exceptions.BusyLoadingError:
            return False

    def kill(self):
        """SIGKILL: no shutdown, no last save; what survives is what the append-only file has."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    if server.binary is None:
        unavailable("the Redis fault tests start a redis-server of their own: install redis-server")
    server.start()
    yield server
    server.stop()


class Beat:
    """Celery beat, as production runs it: the sweeper every ten seconds."""

    def __init__(self, *, broker_url: str, database_url: str, directory: Path):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "CANDOR_VAR_DIR": str(directory),
        }
        self.log = directory / "beat.log"
        self.schedule = directory / "celerybeat-schedule"
        self.process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.integration.worker_app",
                "beat",
                "-l",
                "info",
                "-s",
                str(self.schedule),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
