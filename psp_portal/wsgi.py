"""WSGI entry point, served by gunicorn: `gunicorn psp_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psp_portal.settings")

application = get_wsgi_application()

# The web process (gunicorn, and runserver, which loads WSGI_APPLICATION): without a
# broker, tasks queued by a request run after it on a background thread.
from psp_portal.task_base import run_eager_tasks_in_background  # noqa: E402

run_eager_tasks_in_background()
