"""The Celery app. Workers: `celery -A psp_portal worker`; scheduler: `celery -A psp_portal beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psp_portal.settings")

app = Celery("psp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
