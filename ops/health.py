"""Two answers about the portal's health, each for its own caller.

- `/livez` (liveness, for load balancers and the container's health check): is this process
  serving requests. Answered by `LivenessMiddleware` before anything else runs: no database,
  no broker, no worker, no session, so it costs nothing and cannot fail because another part
  is down.
- `/healthz` (readiness, for monitoring): is the database answering, is the broker reachable,
  did a worker answer a ping. The broker and worker checks take up to a few seconds, so their
  result is kept in the shared cache for CANDOR_HEALTH_CACHE_SECONDS and only one process at a
  time refreshes it: many anonymous callers cost one ping per period, not one each."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app

LIVENESS_PATH = "/livez"
_FRESH = "candor:health:services"
_LAST = "candor:health:services:last"
_REFRESHING = "candor:health:services:refreshing"


class LivenessMiddleware:
    """First in MIDDLEWARE: answers /livez without host checks, redirects or the database, so
    a load balancer's plain-HTTP probe by address gets its answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == LIVENESS_PATH:
            response = HttpResponse("ok\n", content_type="text/plain")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _worker() -> bool:
    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:
        return False


def _services() -> dict[str, bool]:
    """Broker and worker state, from the shared cache when it is fresh enough. While one
    process refreshes it, the others answer with the last state known. When the shared cache
    itself is down (Redis), the state is found directly: a JSON answer, not an error page."""
    try:
        return _services_cached()
    except Exception:  # ConnectionError, TimeoutError…: whatever the cache backend raises
        broker = _broker()
        return {"broker": broker, "worker": broker and _worker()}


def _services_cached() -> dict[str, bool]:
    fresh = cache.get(_FRESH)
    if fresh is not None:
        return fresh
    last = cache.get(_LAST)
    if last is not None and not cache.add(_REFRESHING, 1, timeout=10):
        return last
    broker = _broker()
    state = {"broker": broker, "worker": broker and _worker()}
    cache.set(_FRESH, state, timeout=settings.CANDOR_HEALTH_CACHE_SECONDS)
    cache.set(_LAST, state, timeout=max(600, 10 * settings.CANDOR_HEALTH_CACHE_SECONDS))
    cache.delete(_REFRESHING)
    return state


@never_cache
def healthz(request):
    checks = {"database": _database(), **_services()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            **{k: "ok" if v else "down" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )
