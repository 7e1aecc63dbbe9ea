"""/healthz: is this process able to serve? Used by load balancers and docker-compose."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # any failure to reach the database means "down"
        return False


def _broker_ok() -> bool:
    from psp_portal.celery import app

    try:
        with app.connection_for_write() as conn:
            # One quick retry, no back-off sleep: a probe must answer fast.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:  # refused, timed out, bad auth: all mean "down"
        return False


# Public on purpose: it reveals only up/down, no data.
@never_cache
@require_GET
def healthz(request):
    checks = {"database": "ok" if _database_ok() else "down"}
    if settings.REDIS_URL:
        checks["broker"] = "ok" if _broker_ok() else "down"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks},
        status=200 if healthy else 503,
    )
