"""The Celery app. Workers: `celery -A psp_portal worker`; scheduler: `celery -A psp_portal beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psp_portal.settings")

# Every task's class (psp_portal.task_base): without a broker, the web process runs
# tasks on a background thread instead of inside the request.
app = Celery("psp_portal", task_cls="psp_portal.task_base:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Every log line a task writes carries its task id (psp_portal.logs.JsonFormatter).
from celery.signals import task_postrun, task_prerun  # noqa: E402

from psp_portal.logs import bind_task_id, unbind_task_id  # noqa: E402

task_prerun.connect(bind_task_id, weak=False)
task_postrun.connect(unbind_task_id, weak=False)
