"""Celery tasks: thin, on ids, calling services (HackSoft, pretix)."""

import logging

from celery import Task, shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

logger = logging.getLogger(__name__)

# Worth another try: the database or a storage/network endpoint hiccupped. Any
# other error (a template syntax error, a KeyError in build_context, bad params)
# would fail the same way again, so it ends the report as failed at once.
TRANSIENT_ERRORS = (DatabaseOperationalError, InterfaceError, ConnectionError, TimeoutError)


class ReportRenderTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Final failure: a permanent error, or a transient one after the last retry.
        from .services import report_mark_failed

        report_id = kwargs.get("report_id", args[0] if args else None)
        report_mark_failed(report_id=report_id, error=f"{type(exc).__name__}: {exc}")


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
    from .services import report_render  # import inside: services imports this module

    report_render(report_id=report_id)


@shared_task(acks_late=True)
def report_sweep_stale_task() -> dict:
    """Run by celery beat (CELERY_BEAT_SCHEDULE): re-publish lost render tasks."""
    from .services import report_sweep_stale

    return report_sweep_stale()


@shared_task(acks_late=True)
def program_report_quarterly_task() -> int | None:
    """Run by celery beat on the first day of each quarter: the past quarter's program report."""
    from django.utils import timezone

    from .schedule import program_report_schedule_quarterly

    report = program_report_schedule_quarterly(today=timezone.localdate())
    return report.pk if report else None
