"""Settings for the Celery worker that integration tests start in a subprocess.

The test settings plus: the test process's media directory (so the test can
read the PDF the worker stores), the test report kinds and their templates.
Test-only code stays out of production modules.
"""

import os
from pathlib import Path

from psp_portal.settings_test import *  # noqa: F403
from psp_portal.settings_test import STORAGES, TEMPLATES

MEDIA_ROOT = os.environ["PSP_WORKER_MEDIA_ROOT"]
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
}
TEMPLATES = [
    {
        **engine,
        "DIRS": [*engine["DIRS"], Path(__file__).resolve().parent.parent / "reports" / "templates"],
    }
    for engine in TEMPLATES
]
# The worker publishes for real (e.g. the sweeper's re-enqueue), never in-process.
CELERY_TASK_ALWAYS_EAGER = False
# Loaded by the worker at start-up: registers the test report kinds.
CELERY_IMPORTS = ["tests.integration.worker_kinds"]
# Mail the worker sends (e.g. the signing link a browser journey follows) is written to
# files the test process reads; without the variable it stays in the worker's locmem.
if os.environ.get("PSP_WORKER_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["PSP_WORKER_MAIL_DIR"]
