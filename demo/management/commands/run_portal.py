"""`make run`: the web server, a Celery worker and Celery beat, together, until Ctrl-C. A worker
or beat that dies is started again (demo/supervisor.py)."""

import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET, STAFF
from demo.supervisor import Child, Supervisor


class Command(BaseCommand):
    help = "Start the portal (web, worker, beat) and print where everything is."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("CANDOR_ADDR", "127.0.0.1:8000"))

    def handle(self, *args, addr: str, **options):
        python = sys.executable
        base = f"http://{addr}"
        celery = [python, "-m", "celery", "-A", "config"]
        children = [
            # A port already in use will not free itself: the web server stopping stops all.
            Child("web", [python, "manage.py", "runserver", addr, "--noreload"], restart=False),
            # One worker for both queues here; docker-compose gives each queue a pool of its own.
            Child(
                "worker",
                [*celery, "worker", "-Q", "routing,email", "-l", "info", "--concurrency", "2"],
            ),
            Child(
                "beat",
                [*celery, "beat", "-l", "info", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
            ),
        ]
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            for folder in ("out", "control", "processed"):
                (settings.CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
        # A SIGTERM (from a process manager or `kill`) stops the children as Ctrl-C does.
        signal.signal(signal.SIGTERM, _interrupt)
        # Links in emails (written by the worker) point where the web server listens, unless
        # the address people reach it by was given explicitly.
        environment = {**os.environ, "CANDOR_ADDR": addr}
        environment.setdefault("PORTAL_BASE_URL", base)
        supervisor = Supervisor(children, log=self.stderr, env=environment)
        supervisor.start()
        self._banner(base)
        try:
            while True:
                stopped = supervisor.poll()
                if stopped is not None:
                    code = stopped.process.returncode if stopped.process else None
                    self.stderr.write(f"{stopped.name} stopped (exit {code}); stopping the rest")
                    return
                time.sleep(1)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            supervisor.stop()
            self.stdout.write("Stopped.")

    def _banner(self, base: str):
        database = settings.DATABASES["default"]
        db = database["ENGINE"].rsplit(".", 1)[-1] + f" ({database['NAME']})"
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        lines = [
            "",
            "Candor is running.",
            f"  Public portal:     {base}/",
            f"  Staff workspace:   {base}/staff/",
            f"  Commendations:     {base}/staff/commendations/ (Chief's office)",
            f"  Letters to post:   {base}/staff/letters/",
            f"  Annual summary:    {base}/staff/reports/ (commander, auditor, Chief's office)",
            f"  Intervention:      {base}/staff/intervention/ (early-intervention flags)",
            f"  Retention, holds:  {base}/staff/retention/ (commander, auditor)",
            f"  Transparency page: {base}/transparency/ (public, open data)",
            f"  Administration:    {base}/admin/",
            f"  Health:            {base}/healthz (readiness), {base}/livez (liveness)",
            f"  Emails sent:       {base}/dev/mailbox/"
            if settings.CANDOR_DEV_MAILBOX
            else f"  Emails sent by:    {settings.EMAIL_BACKEND}",
            f"  Database:          {db}",
            f"  Broker:            {broker}",
            f"  Demo logins (password {DEMO_PASSWORD}):",
            *[f"    {username:<13} {role}" for username, _f, _l, role, _q in STAFF],
            f"  Second factor: add the key {DEMO_TOTP_SECRET} to an authenticator app,",
            "    or run `.venv/bin/python manage.py staff_otp_code <username>` for the code.",
            "  Press Ctrl-C to stop.",
            "",
        ]
        self.stdout.write("\n".join(lines))


def _interrupt(signum, frame):
    raise KeyboardInterrupt
