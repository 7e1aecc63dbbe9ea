"""Scheduled jobs record each run, so the status endpoint and the operations page can
tell "beat stopped" or "the sweeper keeps failing" from "all quiet"."""

import logging
from contextlib import contextmanager

from celery.schedules import crontab, maybe_schedule
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from .models import JobRun, WorkerHeartbeat

logger = logging.getLogger(__name__)


class _Run:
    result = None


@contextmanager
def recorded_run(name: str):
    """Record the start, end, outcome and result (`run.result = ...`) of one job run."""
    run = _Run()
    _write(name, last_started_at=timezone.now(), last_outcome=JobRun.Outcome.RUNNING)
    try:
        yield run
    except Exception as exc:
        _write(
            name,
            last_finished_at=timezone.now(),
            last_outcome=JobRun.Outcome.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:5000],
        )
        raise
    now = timezone.now()
    _write(
        name,
        last_finished_at=now,
        last_success_at=now,
        last_outcome=JobRun.Outcome.OK,
        last_result=run.result,
        last_error="",
    )


def _write(name: str, **fields) -> None:
    try:
        JobRun.objects.update_or_create(name=name, defaults=fields)
    except DatabaseError:
        # Bookkeeping must never be why a job fails; the job's own work decides.
        logger.warning("Could not record the run of job %s", name, exc_info=True)


def worker_seen(worker: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker=worker[:200], defaults={"last_seen_at": timezone.now()}
    )


# What each scheduled job is, for people (the keys are CELERY_BEAT_SCHEDULE's names).
JOB_TITLES = {
    "outcomes-open-due": "Outcome figures: open each year's due figures, remind sites",
    "reports-sweep-stale": "Report sweeper (lost renders, retries, missed scheduled reports)",
    "engagements-import-sweep": "CSV import sweeper",
    "operations-worker-heartbeat": "Worker heartbeat",
    "operations-retention": "Retention (old PDFs and uploaded CSV files)",
    "reports-program-report-quarterly": "Quarterly program report",
    "notifications-sweep-stale": "Mail sweeper",
    "notifications-deadline-reminders": "Deadline reminders",
    "notifications-review-due-reminders": "Review due reminders",
    "notifications-reviewer-digest": "Reviewer digest",
    "notifications-liaison-digest": "Liaison digest",
    "notifications-admin-digest": "Program admin digest",
}


def scheduled_jobs(now=None) -> list[dict]:
    """Each CELERY_BEAT_SCHEDULE job with its last run (JobRun) and its next run.

    The one source of the operations page and the report settings page. The next run is
    beat's own estimate from the last run; a clock-time (crontab) job that never ran is
    next due at its next time, an interval job at beat's next tick (None)."""
    from psp_portal.celery import app

    now = now or timezone.now()
    runs = {run.name: run for run in JobRun.objects.all()}
    jobs = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        run = runs.get(name)
        schedule = maybe_schedule(entry["schedule"], app=app)
        last = run.last_started_at if run and run.last_started_at else None
        if last is not None:
            next_run = now + schedule.remaining_estimate(last)
        elif isinstance(schedule, crontab):
            next_run = now + schedule.remaining_estimate(now)
        else:
            next_run = None
        jobs.append(
            {
                "name": name,
                "title": JOB_TITLES.get(name, name),
                "task": entry["task"],
                "run": run,
                "next_run": next_run,
            }
        )
    return jobs
