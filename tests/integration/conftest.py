"""A real Celery worker over Redis, in a subprocess, against the test database.

Outside CI, the tests skip (with the reason printed) when REDIS_URL is unset,
Redis does not answer, or the database is not PostgreSQL (a worker process
cannot see an in-memory SQLite test database). With CI set they fail instead,
so CI never passes without having run them.
"""

import os
import sys
from contextlib import contextmanager

import pytest
from django.conf import settings

from tests.faults.conftest import own_redis  # noqa: F401 - a private redis-server, for fault tests
from tests.integration.worker import running_worker
from tests.reports import kinds_for_tests


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the Celery integration tests, but {reason}", pytrace=False)
    print(f"\nSkipping Celery integration tests: {reason}", file=sys.stderr)
    pytest.skip(reason)


def require_redis() -> str:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        unavailable("REDIS_URL is not set (set it, and DATABASE_URL=postgres://..., to run them)")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {redis_url} does not answer: {exc}")
    return redis_url


def require_postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        unavailable("the database is not PostgreSQL (a worker process cannot share SQLite tests)")


@pytest.fixture(scope="session")
def worker_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, worker_media_root, tmp_path_factory):
    """Start `celery -A psp_portal worker --pool=solo` on the test database; stop it after."""
    redis_url = require_redis()
    require_postgres()
    with running_worker(
        redis_url=redis_url,
        media_root=worker_media_root,
        log_dir=tmp_path_factory.mktemp("worker-log"),
        name="psp-integration",
    ) as (process, output):
        yield process, output


@pytest.fixture
def publish_to_redis():
    """Publish tasks to the broker for real (the test settings run them eagerly)."""
    from psp_portal.celery import app

    saved_url, saved_eager = app.conf.broker_url, app.conf.task_always_eager

    def reset_pools():
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    @contextmanager
    def broker(url):
        app.conf.broker_url = url
        reset_pools()
        try:
            yield
        finally:
            app.conf.broker_url = os.environ["REDIS_URL"]
            reset_pools()

    app.conf.broker_url = os.environ["REDIS_URL"]
    app.conf.task_always_eager = False
    reset_pools()
    yield broker
    app.conf.broker_url, app.conf.task_always_eager = saved_url, saved_eager
    reset_pools()


@pytest.fixture
def integration_kinds(settings, worker_media_root):
    """The test process sees the same kinds and the worker's media directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(worker_media_root), "base_url": None},
        },
    }
    kinds_for_tests.register_all()
    yield kinds_for_tests
    kinds_for_tests.unregister_all()
