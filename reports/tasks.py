"""Celery tasks: thin, on ids, calling services (HackSoft, pretix)."""

import logging

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

from psp_portal.task_base import PortalTask

logger = logging.getLogger(__name__)

# Worth another try: the environment, not the report. The database or a network
# endpoint hiccupped, or the storage refused the write (OSError covers a full or
# read-only disk, PermissionError on the media directory, ConnectionError and
# TimeoutError). Any other error (a template syntax error, a KeyError in
# build_context, bad params) would fail the same way again, so it ends the report
# as failed at once.
TRANSIENT_ERRORS = (DatabaseOperationalError, InterfaceError, OSError)


class ReportRenderTask(PortalTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Final failure: a permanent error, or a transient one after the last retry.
        from .services import report_mark_failed

        report_id = kwargs.get("report_id", args[0] if args else None)
        # A transient error that outlasted the task's retries is still the
        # environment's fault: the sweeper tries again later (next_attempt_at).
        report_mark_failed(
            report_id=report_id,
            error=f"{type(exc).__name__}: {exc}",
            retryable=isinstance(exc, TRANSIENT_ERRORS),
        )


@shared_task(
    base=ReportRenderTask,
    bind=True,
    # Acknowledge after the work: a worker killed mid-render leaves the message
    # for another worker (the service's claim makes a second delivery harmless).
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,  # 5 s, 10 s, 20 s... with jitter
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=4,
)
def report_render_task(self, report_id: int) -> None:
    from .services import report_render, worker_identity  # import inside: no cycle

    # The claim records this task's id: a redelivery or retry of the same message
    # carries the same id and takes the claim over at once.
    report_render(report_id=report_id, task_id=self.request.id or "", worker=worker_identity())


@shared_task(acks_late=True)
def report_sweep_stale_task() -> dict:
    """Run by celery beat (CELERY_BEAT_SCHEDULE): re-publish lost render tasks, re-run
    reports due another try, and create scheduled reports whose run was missed."""
    from operations.jobs import recorded_run

    from .schedule import scheduled_reports_catch_up
    from .services import report_sweep_stale

    with recorded_run("reports-sweep-stale") as run:
        counts = report_sweep_stale()
        counts["scheduled"] = scheduled_reports_catch_up()
        run.result = counts
    return counts


@shared_task(acks_late=True)
def program_report_quarterly_task() -> int | None:
    """Run by celery beat on the first day of each quarter: the past quarter's program report."""
    from django.utils import timezone

    from operations.jobs import recorded_run

    from .schedule import program_report_schedule_quarterly

    with recorded_run("reports-program-report-quarterly") as run:
        report = program_report_schedule_quarterly(today=timezone.localdate())
        run.result = {"report_id": report.pk if report else None}
    return report.pk if report else None
