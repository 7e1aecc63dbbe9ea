"""Scheduled jobs record each run, so the status endpoint and the operations page can
tell "beat stopped" or "the sweeper keeps failing" from "all quiet"."""

import logging
from contextlib import contextmanager

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
