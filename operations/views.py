from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from .access import can_see_operations
from .jobs import scheduled_jobs
from .models import WorkerHeartbeat

LIST_LIMIT = 50


# Program admins only (operations.view_operations); others 403.
@login_required
def operations_page(request):
    if not can_see_operations(request.user):
        raise PermissionDenied
    from engagements.models import ImportJob
    from reports.models import Report

    now = timezone.now()
    reports = Report.objects.only(
        "pk", "kind", "status", "attempts", "error", "created_at", "started_at",
        "finished_at", "next_attempt_at", "admins_alerted_at", "claim_worker",
    )  # fmt: skip
    counts = Report.objects.aggregate(
        queued=Count("pk", filter=Q(status=Report.Status.QUEUED)),
        rendering=Count("pk", filter=Q(status=Report.Status.RENDERING)),
        failed=Count("pk", filter=Q(status=Report.Status.FAILED)),
    )
    context = {
        "now": now,
        "counts": counts,
        "queued": list(
            reports.filter(status=Report.Status.QUEUED).order_by("created_at")[:LIST_LIMIT]
        ),
        "rendering": list(
            reports.filter(status=Report.Status.RENDERING).order_by("started_at")[:LIST_LIMIT]
        ),
        "failed": list(
            reports.filter(status=Report.Status.FAILED).order_by("-finished_at")[:LIST_LIMIT]
        ),
        "imports": list(
            ImportJob.objects.select_related("uploaded_by").order_by("-created_at")[:20]
        ),
        "jobs": scheduled_jobs(now),
        "workers": list(
            WorkerHeartbeat.objects.filter(last_seen_at__gte=now - timedelta(minutes=10))
        ),
        "limit": LIST_LIMIT,
    }
    return render(request, "operations/operations.html", context)
