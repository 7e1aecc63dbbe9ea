"""Test settings: the real settings plus what only tests need.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs on
PostgreSQL and Redis while a developer's `make test` works on SQLite.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_ENV", "test")

from .settings import *  # noqa: E402,F403
from .settings import REDIS_URL, SCREENING_CACHE  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="psp-test-media-")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test run gets a private cache, so rate-limit counters never leak between tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Unit tests run tasks in-process; integration tests start a real worker on REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
# ... inline, in the caller, whatever the environment says: tests stay deterministic
# (tests/applications/test_receipt_in_background.py turns the thread on itself).
TASKS_IN_BACKGROUND_THREAD = False
SESSION_SAVE_EVERY_REQUEST = False
# The database cache table (the fallback of the degrading Redis cache) exists in the
# test database because an alias names it: test database creation runs createcachetable.
CACHES["database"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "django_cache",
}
CACHES["screening"] = SCREENING_CACHE  # per process already; cleared before each test
