"""`make run`: the embedded default. Debug on, SQLite and the filesystem broker unless the
environment names PostgreSQL and Redis, emails captured in the portal's dev mailbox."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-not-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "true")
# Links in emails point where `make run` serves (CANDOR_ADDR), unless told otherwise.
os.environ.setdefault(
    "PORTAL_BASE_URL", "http://" + os.environ.get("CANDOR_ADDR", "127.0.0.1:8000")
)

from .base import *  # noqa: E402,F403

# The dev mailbox page (/dev/mailbox/) shows what the capture backend stored.
CANDOR_DEV_MAILBOX = True
