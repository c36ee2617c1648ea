"""Production: everything from the environment, no insecure default. Passes
`manage.py check --deploy --fail-level WARNING` (tests/test_settings.py holds it to that)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
CANDOR_DEV_MAILBOX = False

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
