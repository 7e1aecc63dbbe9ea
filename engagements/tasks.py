"""Celery tasks: thin, on ids, calling services."""

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

from psp_portal.task_base import PortalTask


class ImportJobTask(PortalTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .import_jobs import import_job_mark_error

        job_id = kwargs.get("job_id", args[0] if args else None)
        import_job_mark_error(job_id=job_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=ImportJobTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The database or the storage hiccupped: all or nothing, so a retry is safe.
    autoretry_for=(DatabaseOperationalError, InterfaceError, OSError),
    retry_backoff=5,
    retry_jitter=True,
    max_retries=3,
)
def import_job_run_task(self, job_id: int) -> None:
    from .import_jobs import import_job_run

    import_job_run(job_id=job_id, task_id=self.request.id or "")


@shared_task(acks_late=True)
def import_jobs_sweep_task() -> int:
    """Run by celery beat: publish import jobs whose message was lost (broker outage)."""
    from operations.jobs import recorded_run

    from .import_jobs import import_jobs_sweep

    with recorded_run("engagements-import-sweep") as run:
        run.result = {"published": import_jobs_sweep()}
    return run.result["published"]
