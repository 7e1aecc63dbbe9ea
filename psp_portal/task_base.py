"""The portal's Celery task class, and the background thread of the embedded default.

With a broker (REDIS_URL set) `.delay()` publishes to Celery, exactly as Celery does.

Without one, tasks run in-process (CELERY_TASK_ALWAYS_EAGER), and Celery runs an eager
task inside the `.delay()` call: inside the request whose after-commit callback queued
it, so submitting an SOI under `make run` waited about 13 s for its receipt PDF. In the
web process of that embedded default (psp_portal.wsgi turns it on when the setting
TASKS_IN_BACKGROUND_THREAD allows), an eager task is handed to one background thread
instead: the response goes back at once and the receipt appears when the thread has
rendered it, as it would with a worker. The run itself is Celery's eager run (retries,
on_failure), only on another thread.

One thread, so tasks run one at a time in the order queued, like a solo worker (and
SQLite sees a single writer from it). Management commands (load_demo, run_schedule)
and the tests keep running tasks inline: what they print or assert is already done.
A task queued when the server stops is lost, as with a broker outage: its row stays
queued and `make schedule` (the sweeper) publishes it again.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from celery import Task
from celery.result import AsyncResult
from celery.utils import uuid
from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


class BackgroundTasks:
    """A one-thread executor for eager tasks, on only in a process that asked for it."""

    def __init__(self) -> None:
        self.enabled = False
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, run: Callable[[], object]) -> Future:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="psp-task")
            future = self._executor.submit(self._run, run)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future) -> None:
        # Runs on the task's thread: the lock keeps `wait` from reading a changing set.
        with self._lock:
            self._pending.discard(future)

    @staticmethod
    def _run(run: Callable[[], object]) -> None:
        try:
            run()
        except Exception:
            # Celery's eager run already called the task's on_failure (eager propagation
            # is off); anything else escaping is a bug worth a traceback in the log.
            logger.exception("A background task failed")
        finally:
            # Django opens one connection per thread; this thread's must not linger.
            connections.close_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every task queued so far (and any it queued) has run."""
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            for future in pending:
                try:
                    future.result(timeout=timeout)
                except TimeoutError:
                    return False


background_tasks = BackgroundTasks()


def run_eager_tasks_in_background() -> bool:
    """Called by the web entry point: eager tasks leave the request, if the settings say so."""
    background_tasks.enabled = bool(getattr(settings, "TASKS_IN_BACKGROUND_THREAD", False))
    return background_tasks.enabled


class PortalTask(Task):
    """Every task of the portal: Celery's Task, with eager runs moved off the request."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        if not (self.app.conf.task_always_eager and background_tasks.enabled):
            return super().apply_async(args, kwargs, task_id, producer, **options)
        task_id = task_id or uuid()
        parent = super()

        def run():
            # Celery's own eager path: the same retries and on_failure as inline.
            parent.apply_async(args, kwargs, task_id, **options)

        background_tasks.submit(run)
        # Nothing reads task results (state lives on the portal's rows); an id only.
        return AsyncResult(task_id, app=self.app)
