"""The CSV import as a background job: upload -> queued row -> Celery task -> result.

The job row is the source of truth (like reports.Report): the pages poll it, the
task claims it, and "succeeded" is written in the same transaction as the rows, so
a task delivered twice cannot import the file twice.
"""

import logging
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .imports import count_rows, engagements_import
from .models import ImportJob

logger = logging.getLogger(__name__)


def _enqueue(job_id: int) -> None:
    from reports.services import BROKER_ERRORS

    from .tasks import import_job_run_task

    try:
        import_job_run_task.delay(job_id)
    except BROKER_ERRORS:
        # The upload is saved; the sweeper (operations) publishes queued jobs later.
        logger.warning("Broker unavailable; import job %s stays queued", job_id, exc_info=True)


def import_job_create(*, upload, actor) -> ImportJob:
    """Store the uploaded CSV and queue its import (after commit)."""
    content = upload.read()
    try:
        total = count_rows(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        total = 0  # the job reports the encoding problem with its line number
    with transaction.atomic():
        job = ImportJob.objects.create(
            uploaded_by=actor, original_name=(upload.name or "import.csv")[-200:], total_rows=total
        )
        job.file.save(f"import-{job.pk}.csv", ContentFile(content), save=False)
        job.save(update_fields=["file"])
        # After commit: the worker must find the row and its file.
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def import_job_run(*, job_id: int, task_id: str = "") -> ImportJob | None:
    """Check every row and import all of them, or none; record the outcome on the job."""
    claimable = Q(status=ImportJob.Status.QUEUED)
    if task_id:
        # The same message redelivered (worker killed) or retried takes over at once.
        claimable |= Q(status=ImportJob.Status.RUNNING, claim_task_id=task_id)
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        claim_task_id=task_id,
        rows_checked=0,
    )
    if not claimed:
        return None  # finished already, or another worker holds it
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)

    def progress(rows_checked):
        # Outside the insert's transaction, so the progress page sees it at once.
        ImportJob.objects.filter(pk=job_id).update(rows_checked=rows_checked)

    def mark_succeeded(created):
        # Inside the insert's transaction: the rows and "succeeded" commit together.
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.SUCCEEDED,
            created_count=len(created),
            rows_checked=len(created),
            finished_at=timezone.now(),
            error="",
        )

    with job.file.open("rb") as fh:
        result = engagements_import(
            file=fh, actor=job.uploaded_by, progress=progress, then=mark_succeeded
        )
    if not result.ok:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.REJECTED,
            row_errors=[{"line": e.line, "reason": str(e.reason)} for e in result.errors],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    logger.info(
        "Import job %s: %s, %s engagements",
        job.pk,
        job.status,
        job.created_count,
        extra={"event": "import_finished", "import_job_id": job.pk},
    )
    return job


def import_job_mark_error(*, job_id: int, error: str) -> None:
    """The import could not run (after retries): nothing was imported; keep the reason."""
    ImportJob.objects.filter(pk=job_id).exclude(status__in=ImportJob.FINISHED).update(
        status=ImportJob.Status.ERROR, error=error[:5000], finished_at=timezone.now()
    )
    logger.error("Import job %s failed: %s", job_id, error, extra={"event": "import_error"})


def import_jobs_sweep(*, now=None, stale_after_minutes: int = 10) -> int:
    """Publish again the jobs still queued long after upload (broker down at the time)."""
    from datetime import timedelta

    now = now or timezone.now()
    stale = ImportJob.objects.filter(
        status=ImportJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=stale_after_minutes)
    ).values_list("pk", flat=True)
    published = 0
    for job_id in stale:
        _enqueue(job_id)
        published += 1
    return published
