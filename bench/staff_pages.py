"""What the staff page benchmarks (bench.queue_page, bench.report_pages) share: a database of
their own, migrated, and the BPS commander signed in with both factors.

Django is imported inside the functions: the settings it reads are the ones
`bench_database` puts in the environment."""

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlparse, urlunparse

from bench.run import ROOT, _recreate_database

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.test import Client


def bench_database(
    *, suffix: str, benchmark: str, keep: Callable[[str, str], bool] | None = None
) -> str:
    """Point this process at a database of its own, DATABASE_URL's name + `suffix`, created
    afresh unless `keep(admin_url, name)` says an earlier run's will do; set Django up on it
    and migrate it. Returns the database's name. Exits, naming `benchmark`, when DATABASE_URL
    is not PostgreSQL."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit(f"{benchmark} needs DATABASE_URL=postgres://…")
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/") + suffix
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": urlunparse(parsed._replace(path=f"/{name}")),
            "CELERY_BROKER_URL": "memory://",
            "CANDOR_VAR_DIR": str(ROOT / "var" / "bench"),
            "LOG_LEVEL": "WARNING",
        }
    )
    if not (keep and keep(database_url, name)):
        _recreate_database(database_url, name)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name


def commander_signed_in() -> tuple["AbstractBaseUser", "Client"]:
    """The demo's BPS commander and a test client signed in as them with both factors, as the
    sign-in pages leave a session."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from staff.signin import SESSION_LOGIN_AT, SESSION_SEEN_AT

    commander = get_user_model().objects.get(username="commander")
    device = TOTPDevice.objects.filter(user=commander, confirmed=True).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(commander)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_LOGIN_AT] = session[SESSION_SEEN_AT] = int(time.time())
    session.save()
    return commander, client
