"""Health endpoints, public on purpose (they reveal states and counts, no data or names).

/healthz        liveness: this process answers and reaches its database. What a load
                balancer and the compose healthcheck probe: a Redis outage must not
                take every web node out of rotation, because pages, sign-in and
                submissions keep working without it (the cache degrades, the sweeper
                publishes what could not be).
/healthz/ready  readiness and status, for monitoring and on-call: the database, the
                broker, workers seen in the last minute, the oldest queued report's
                age, and each scheduled job's last run. 503 only when the database is
                down (the one thing no request can do without); "status" says
                "degraded" when anything else is wrong.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# A worker that has not taken the heartbeat task for this long is not "seen".
WORKER_SEEN_WITHIN = timedelta(seconds=60)
# Oldest queued report older than this: the queue is not moving.
QUEUE_STALE_AFTER = timedelta(minutes=5)


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
            # One quick try, no back-off sleep: a probe must answer fast.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
        return True
    except Exception:  # refused, timed out, bad auth: all mean "down"
        return False


def _age_seconds(moment) -> int | None:
    return None if moment is None else int((timezone.now() - moment).total_seconds())


def _status_details() -> dict:
    from operations.models import JobRun, WorkerHeartbeat
    from reports.models import Report

    now = timezone.now()
    oldest_queued = (
        Report.objects.filter(status=Report.Status.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    runs = {run.name: run for run in JobRun.objects.all()}
    jobs = {}
    for name in settings.CELERY_BEAT_SCHEDULE:
        run = runs.get(name)
        jobs[name] = {
            "last_outcome": run.last_outcome if run else None,
            "last_success_age_seconds": _age_seconds(run.last_success_at) if run else None,
        }
    return {
        "workers_seen_last_minute": WorkerHeartbeat.objects.filter(
            last_seen_at__gte=now - WORKER_SEEN_WITHIN
        ).count(),
        "oldest_queued_report_age_seconds": _age_seconds(oldest_queued),
        "reports_failed_awaiting_retry": Report.objects.filter(
            status=Report.Status.FAILED, next_attempt_at__isnull=False
        ).count(),
        "scheduled_jobs": jobs,
    }


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process and its database. Public."""
    healthy = _database_ok()
    return JsonResponse(
        {
            "status": "ok" if healthy else "down",
            "checks": {"database": "ok" if healthy else "down"},
        },
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def readiness(request):
    """Readiness and status for monitoring. Public: states, counts and ages only."""
    started = time.monotonic()
    checks = {"database": "ok" if _database_ok() else "down"}
    if settings.REDIS_URL:
        checks["broker"] = "ok" if _broker_ok() else "down"
    body: dict = {"checks": checks}
    details_ok = True
    if checks["database"] == "ok":
        try:
            body.update(_status_details())
        except DatabaseError:
            # Reachable but not usable for these reads (e.g. not migrated yet).
            details_ok = False
    if checks["database"] != "ok":
        body["status"] = "down"
        code = 503
    else:
        problems = [name for name, state in checks.items() if state != "ok"]
        if not details_ok:
            problems.append("status_details")
        if settings.REDIS_URL and not body.get("workers_seen_last_minute"):
            problems.append("workers")
        age = body.get("oldest_queued_report_age_seconds")
        if age is not None and age > QUEUE_STALE_AFTER.total_seconds():
            problems.append("queue")
        body["status"] = "degraded" if problems else "ok"
        body["problems"] = problems
        code = 200
    body["seconds"] = round(time.monotonic() - started, 3)
    return JsonResponse(body, status=code)
