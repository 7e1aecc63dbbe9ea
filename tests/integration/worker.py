"""Start a real `celery worker --pool=solo` subprocess on the test database (tests only).

Shared by the integration tests and the browser journeys, which both need PDFs rendered by
a real worker over Redis.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
WORKER_START_TIMEOUT = 90


def database_url(settings_dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@contextmanager
def running_worker(
    *, redis_url: str, media_root, log_dir, name: str, pool: str = "solo", mail_dir=None
):
    """Yield (process, output) once the worker is ready; stop it (warm) on exit.

    Call after django_db_setup: the connection's NAME is then the test database's.
    `pool="prefork"` runs one child process that executes the tasks, as production
    does: killing that child is how a worker process dies mid-task.
    """
    from django.db import connection

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "PSP_WORKER_MEDIA_ROOT": str(media_root),
        "PYTHONPATH": str(BASE_DIR),
    }
    if mail_dir is not None:
        env["PSP_WORKER_MAIL_DIR"] = str(mail_dir)
    env.pop("CELERY_BROKER_URL", None)
    log_path = Path(log_dir) / "worker.log"
    log = open(log_path, "w+b")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "psp_portal",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--purge",  # drop messages left in this Redis db by an earlier run
            "-n",
            f"{name}-{os.getpid()}@%h",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def output() -> str:
        return log_path.read_text(errors="replace")

    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while " ready." not in output():
            if process.poll() is not None:
                pytest.fail(f"The Celery worker exited at start-up:\n{output()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"The Celery worker did not start:\n{output()}", pytrace=False)
            time.sleep(0.2)
        yield process, output
    finally:
        process.terminate()  # warm shutdown: finishes the current task
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
