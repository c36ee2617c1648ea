"""Settings shared by every environment. Everything that differs between machines comes from
the environment (see README, "Configuration"); the modules beside this one only choose defaults."""

import json
import math
import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CANDOR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the portal, used in links inside emails (status links, case links).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "axes",
    # The project's rooms, lowest layer first (tests/test_layers.py holds the order).
    "ops",
    "directory",
    "staff",
    "audit",
    "intake",
    "notices",
    "cases",
    "commendations",
    "reports",
    "intervention",
    "retention",
    "routing",
    "workspace",
    "demo",
]

MIDDLEWARE = [
    # /livez for load balancers, before host checks and redirects (see ops/health.py).
    "ops.health.LivenessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ops.headers.PolicyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that needs the database or the session: maintenance answers without them.
    "ops.middleware.MaintenanceMiddleware",
    # The public forms' posts read quicker than Django's parser does, before anything reads them.
    "ops.formdata.FormDataMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Both factors and live session limits for every page under /staff/ and /admin/.
    "staff.middleware.StaffSessionMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Every page answers 503 "back shortly" (ops/middleware.py), e.g. while the database is
# upgraded; /healthz still answers.
CANDOR_MAINTENANCE = env.bool("CANDOR_MAINTENANCE", default=False)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workspace.context_processors.staff_menu",
            ],
        },
    },
    {
        # Plain text (email subjects and text bodies, letters' text): nothing is HTML-escaped,
        # so "Chief's office" stays "Chief's office" and never becomes "Chief&#x27;s office".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default for `make run`; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'candor.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat write to the same file: take the write lock when a
    # transaction starts and wait for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    # A connection cut by a database restart is noticed at the start of the next request and
    # opened again, instead of failing it (tests/integration/test_database_restart.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, its health check asking the socket instead of the server
        # (ops/postgresql/base.py): no round trip before each request.
        DATABASES["default"]["ENGINE"] = "ops.postgresql"
        # Parameters sent apart from the statement text, so nothing quotes them into it; and
        # a statement a connection has run five times is prepared, so PostgreSQL parses it
        # once per connection instead of per request, and may keep one plan for it. Staff
        # pages plan each statement for its values (ops/postgresql/planning.py). Behind a
        # pooler that cannot keep prepared statements (PgBouncer in transaction mode before
        # 1.21) set DATABASE_PREPARED_STATEMENTS=false.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options.setdefault("server_side_binding", True)
        if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
            options.setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits and lockouts must be shared between processes) ----------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ops.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            # A cache that does not answer must not hold a resident's request: callers fall
            # back (intake/abuse.py) after a second, not after the operating system gives up.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "candor_cache",
        }
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses a locked-out username at this address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# Failed sign-ins per account in an hour, from every address together (staff/lockout.py).
CANDOR_SIGNIN_ACCOUNT_LIMIT = env.int("CANDOR_SIGNIN_ACCOUNT_LIMIT", default=100)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "ops.clients.client_address"
OTP_TOTP_ISSUER = "Candor BPS"
# django-otp's admin never shows a device's secret key, QR code or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff sessions end after this much inactivity, and in any case this long after sign-in.
CANDOR_STAFF_IDLE_SECONDS = env.int("CANDOR_STAFF_IDLE_SECONDS", default=30 * 60)
CANDOR_STAFF_ABSOLUTE_SECONDS = env.int("CANDOR_STAFF_ABSOLUTE_SECONDS", default=10 * 3600)
# The session cookie lives no longer than the longest staff session may (a browser would
# otherwise keep a cookie for Django's default two weeks after the session is dead).
SESSION_COOKIE_AGE = CANDOR_STAFF_ABSOLUTE_SECONDS
# The assignee is reminded this many days before a case falls due.
CANDOR_DUE_REMINDER_DAYS = env.int("CANDOR_DUE_REMINDER_DAYS", default=7)
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "staff:login"

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("bs", _("Bosnian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static files and attachments -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments are evidence: kept outside any public path and served only through a
# permission-checked view. The backend can be any Django storage (e.g. S3 via django-storages).
ATTACHMENT_STORAGE_BACKEND = env(
    "ATTACHMENT_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
ATTACHMENT_STORAGE_OPTIONS = json.loads(env("ATTACHMENT_STORAGE_OPTIONS", default="{}"))
if ATTACHMENT_STORAGE_BACKEND.endswith("FileSystemStorage"):
    ATTACHMENT_STORAGE_OPTIONS.setdefault(
        "location", env("ATTACHMENT_ROOT", default=str(VAR_DIR / "attachments"))
    )
    ATTACHMENT_STORAGE_OPTIONS.setdefault("base_url", None)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {"BACKEND": ATTACHMENT_STORAGE_BACKEND, "OPTIONS": ATTACHMENT_STORAGE_OPTIONS},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Email (django-anymail) -----------------------------------------------------------------
# EMAIL_BACKEND picks the provider, e.g. anymail.backends.postmark.EmailBackend; every
# ANYMAIL_* variable becomes a key of the ANYMAIL setting (ANYMAIL_POSTMARK_SERVER_TOKEN ->
# ANYMAIL["POSTMARK_SERVER_TOKEN"]), so any anymail provider is configured by environment alone.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="ops.mailbox.CaptureBackend")
# `check --deploy` refuses a backend that does not send (the dev capture backend, console,
# locmem, …) unless this says, on purpose, that this deployment must not send email.
CANDOR_ALLOW_UNSENT_EMAIL = env.bool("CANDOR_ALLOW_UNSENT_EMAIL", default=False)
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}
# Only for Django's SMTP backend (docker-compose's mail catcher); anymail providers use ANYMAIL_*.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Candor <no-reply@candor.localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# How long the provider may take to answer (Django's SMTP backend and, unless
# ANYMAIL_REQUESTS_TIMEOUT is set, every anymail provider: three seconds to connect, this long
# to answer). A provider that hangs holds one email worker process this long and never a
# database row; one that does not answer in time leaves its notice "outcome unknown".
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
if "REQUESTS_TIMEOUT" in ANYMAIL:  # from the environment: a number of seconds
    ANYMAIL["REQUESTS_TIMEOUT"] = float(ANYMAIL["REQUESTS_TIMEOUT"])
ANYMAIL.setdefault("REQUESTS_TIMEOUT", (min(3.05, EMAIL_TIMEOUT), EMAIL_TIMEOUT))
# After the provider answered, how long writing its answer down may wait for a database that
# is restarting, so that an email sent is recorded as sent and not sent again.
CANDOR_NOTICE_RECORD_SECONDS = 10

# --- Celery ---------------------------------------------------------------------------------
# Redis when REDIS_URL or CELERY_BROKER_URL is set; otherwise kombu's filesystem transport,
# a real broker that needs no server (for `make run` on a bare machine).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "broker"
# Every task is short: routing takes well under a second and a send waits EMAIL_TIMEOUT at most
# (plus the time to record the answer). A task still running after the soft limit is
# interrupted (a send then counts as "outcome unknown", never as sent or failed); after the
# hard limit its process is replaced.
CELERY_TASK_SOFT_TIME_LIMIT = max(
    25, math.ceil(3.05 + EMAIL_TIMEOUT + CANDOR_NOTICE_RECORD_SECONDS)
)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 5
# The longest a task waits in the worker for a retry (countdown); longer waits are kept on the
# row and left to the sweeper, so that no message is held past the visibility timeout.
CANDOR_TASK_MAX_COUNTDOWN = 10
# Redis gives an unacknowledged task (its worker died, or the broker connection dropped) to
# another worker after the visibility timeout. It must exceed the longest task plus the
# longest countdown (30 + 10 s by default), and it decides how soon a killed worker's task
# runs again: 45 s, with Redis scanned for such tasks every 5 s, is recovery within a minute.
CANDOR_BROKER_VISIBILITY_TIMEOUT = CELERY_TASK_TIME_LIMIT + CANDOR_TASK_MAX_COUNTDOWN + 5
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CANDOR_BROKER_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
        # The lock one worker holds while it gives such tasks back; a worker killed while
        # holding it must not stop the others for kombu's default five minutes.
        "unacked_mutex_expire": 30,
        "socket_connect_timeout": 2,
    }
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport with the mend that keeps a worker alive when Redis goes away
    # while tasks are unacknowledged (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
# Routing never waits behind email: sending has a queue (and, in docker-compose, a worker) of
# its own, so a slow email provider delays only its notices. A worker started without -Q
# consumes both.
CELERY_TASK_QUEUES = (Queue("routing"), Queue("email"))
CELERY_TASK_DEFAULT_QUEUE = "routing"
CELERY_TASK_ROUTES = {
    "notices.tasks.send_notice": {"queue": "email"},
    "notices.tasks.send_notices": {"queue": "email"},
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# What a task prints (the console email backend writes every email) goes to the worker's
# standard output as it is, as gunicorn's does, not through the logging system one record per
# write: the log keeps warnings and errors, not email bodies.
CELERY_WORKER_REDIRECT_STDOUTS = False
# Celery's Django fixup closes the database connection around every task, a new PostgreSQL
# connection per task; it now only recycles it after this many tasks, and config/celery.py
# treats each task as Django treats a request (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 1000
# A task running when the broker connection drops is finished, not cut short: each is short
# and safe to run twice, and cutting a send in the middle would leave its outcome unknown.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing gives up quickly when the broker is down: the row stays `pending` and the sweeper
# dispatches it later, so the resident's request is never held up by the broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Often, and each run dropped if not started within its period, so that runs queued while
    # the worker was away do not pile up behind each other.
    "sweep-pending-work": {
        "task": "routing.tasks.sweep",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    "case-due-reminders": {"task": "cases.tasks.due_reminders", "schedule": 3600.0},
    "transparency-refresh": {"task": "reports.tasks.transparency_refresh", "schedule": 3600.0},
    "early-intervention-flags": {"task": "intervention.tasks.raise_flags", "schedule": 3600.0},
    "retention-anonymise": {"task": "retention.tasks.anonymise_due", "schedule": 900.0},
}
# How long a submission or notice never handed to the broker (the publish failed: broker
# down) may wait before the sweeper dispatches it; a publish takes milliseconds, so this only
# has to outlast one that is still under way.
CANDOR_SWEEP_AFTER_SECONDS = env.int("CANDOR_SWEEP_AFTER_SECONDS", default=20)
# …and how long after it was handed to the broker it is dispatched again. The broker keeps it
# meanwhile and gives it to another worker when its worker dies; this is only for a broker that
# lost it (no persistence) and a task that used up its retries. Shorter would duplicate every
# task of a long backlog.
CANDOR_SWEEP_REDISPATCH_SECONDS = env.int("CANDOR_SWEEP_REDISPATCH_SECONDS", default=900)
# First wait before a notice is sent again after a provider fault; doubles each attempt.
CANDOR_NOTICE_RETRY_SECONDS = env.float("CANDOR_NOTICE_RETRY_SECONDS", default=30)
# How long /healthz keeps the broker and worker state it found (a worker ping takes a second).
CANDOR_HEALTH_CACHE_SECONDS = env.int("CANDOR_HEALTH_CACHE_SECONDS", default=10)
# The dev capture backend reports each message delivered (or bounced, for addresses at
# bounces.example) through anymail's tracking signal, as a provider's webhook would.
CANDOR_CAPTURE_TRACKING = env.bool("CANDOR_CAPTURE_TRACKING", default=True)

# --- Public intake (issue 3): evidence limits, abuse controls, partner API -------------------
# Evidence files: per-file size and count limits, shown on the form before upload. Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE does not cover files, so the form checks each one itself.
CANDOR_ATTACHMENT_MAX_BYTES = env.int("CANDOR_ATTACHMENT_MAX_BYTES", default=50 * 1024 * 1024)
CANDOR_ATTACHMENT_MAX_COUNT = env.int("CANDOR_ATTACHMENT_MAX_COUNT", default=5)
# Pictures are decoded to be cleaned, so decoding is bounded before it starts: pixels over all
# frames of an animation together, the number of frames, and the seconds the decode and
# re-encode may take (a child process past them is killed and the picture refused).
CANDOR_ATTACHMENT_MAX_PIXELS = env.int("CANDOR_ATTACHMENT_MAX_PIXELS", default=60_000_000)
CANDOR_ATTACHMENT_MAX_FRAMES = env.int("CANDOR_ATTACHMENT_MAX_FRAMES", default=500)
CANDOR_ATTACHMENT_DECODE_SECONDS = env.float("CANDOR_ATTACHMENT_DECODE_SECONDS", default=10)
# ClamAV's daemon, e.g. tcp://clamav:3310 or unix:///run/clamav/clamd.ctl. Unset: no scan.
# Set: every evidence file is scanned, and one the scanner did not pass is refused, also when
# the scanner cannot be reached (fail closed).
CANDOR_CLAMD_URL = env("CANDOR_CLAMD_URL", default="")
CANDOR_CLAMD_TIMEOUT = env.float("CANDOR_CLAMD_TIMEOUT", default=30)
# Whole request bodies: several evidence files plus the form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# How many proxies in front of the portal append to X-Forwarded-For (a load balancer: 1).
# 0 (the default) ignores the header and takes REMOTE_ADDR, since a client can write any
# X-Forwarded-For it likes; set it to exactly the number of proxies you run.
CANDOR_TRUSTED_PROXY_COUNT = env.int("CANDOR_TRUSTED_PROXY_COUNT", default=0)
# Submissions per client address: (count, seconds). Over the limit the client is asked to wait
# (what it typed stays on the page); over the burst limit it is stored but held in quarantine.
CANDOR_INTAKE_RATE_LIMIT = (
    env.int("CANDOR_INTAKE_RATE_LIMIT", default=10),
    env.int("CANDOR_INTAKE_RATE_WINDOW", default=3600),
)
CANDOR_INTAKE_BURST_LIMIT = (
    env.int("CANDOR_INTAKE_BURST_LIMIT", default=5),
    env.int("CANDOR_INTAKE_BURST_WINDOW", default=60),
)
# A text with this many links or more is held in quarantine as suspected spam.
CANDOR_SPAM_MAX_LINKS = env.int("CANDOR_SPAM_MAX_LINKS", default=3)

# --- Forms ----------------------------------------------------------------------------------
# Django's widgets written in Python rather than one template render per widget and option:
# the same HTML, a fraction of the time (ops/forms.py).
FORM_RENDERER = "ops.forms.FastWidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
