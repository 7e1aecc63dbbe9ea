"""Periodic operations tasks, run by celery beat (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True, expires=55)
def worker_heartbeat_task() -> None:
    """Any worker that takes this from the queue records itself: the status endpoint's
    "workers seen in the last minute" proves the queue is consumed, not only that a
    process is alive. Expires: a backlog of heartbeats is no evidence of life."""
    from reports.services import worker_identity

    from .jobs import recorded_run, worker_seen

    worker = worker_heartbeat_task.request.hostname or worker_identity()
    with recorded_run("operations-worker-heartbeat") as run:
        worker_seen(worker)
        run.result = {"worker": worker}


@shared_task(acks_late=True)
def retention_apply_task() -> dict:
    from .jobs import recorded_run
    from .retention import retention_apply

    with recorded_run("operations-retention") as run:
        run.result = retention_apply()
    return run.result
