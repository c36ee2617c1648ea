"""/healthz: is the database answering, is the broker reachable, did a worker answer a ping."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app


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


@never_cache
def healthz(request):
    checks = {"database": _database(), "broker": _broker()}
    checks["worker"] = checks["broker"] and _worker()
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            **{k: "ok" if v else "down" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )
