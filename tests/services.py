"""Real PostgreSQL, Redis, Celery worker and Chromium for the integration and browser tests.

On a user's machine without them those tests skip and say why; with CANDOR_REQUIRE_SERVICES=1
(CI sets it) a missing one fails the run instead."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def required() -> bool:
    return os.environ.get("CANDOR_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def unavailable(reason: str):
    """Skip, or fail where the services are required."""
    if required():
        pytest.fail(
            f"{reason} (CANDOR_REQUIRE_SERVICES is set, so this is an error)", pytrace=False
        )
    pytest.skip(reason)


def postgresql_beside():
    """A second connection to the test database (PostgreSQL), outside Django's: to hold or try
    row locks while the code under test runs. Skips, or fails where required, elsewhere."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (DATABASE_URL=postgres://…) to see row locks")
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        password=db["PASSWORD"] or None,
    )


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=2
        ):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")
