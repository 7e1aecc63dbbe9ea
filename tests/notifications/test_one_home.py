"""Every email leaves through the notifications service; the beat schedule runs the reminders."""

import ast
import pathlib

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

ROOT = pathlib.Path(settings.BASE_DIR)
SENDERS = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage",
           "EmailMultiAlternatives"}  # fmt: skip
# The service itself, and allauth's hook that hands its mail to the service.
ALLOWED = {"notifications/services.py", "accounts/adapter.py"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "var", "node_modules"}:
            continue
        yield relative, path


def test_no_module_sends_mail_except_the_notifications_service():
    offenders = []
    for relative, path in _python_files():
        if relative in ALLOWED:
            continue
        tree = ast.parse(path.read_text(), filename=relative)
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.ImportFrom) and node.module and "mail" in node.module:
                name = next((a.name for a in node.names if a.name in SENDERS), None)
            elif isinstance(node, ast.Attribute) and node.attr in SENDERS:
                name = node.attr
            if name:
                offenders.append(f"{relative}:{node.lineno} {name}")
    assert offenders == [], "Send mail through notifications.services.email_queue: " + ", ".join(
        offenders
    )


@pytest.mark.parametrize(
    "entry",
    [
        "notifications-sweep-stale",
        "notifications-deadline-reminders",
        "notifications-review-due-reminders",
        "notifications-reviewer-digest",
        "notifications-liaison-digest",
        "notifications-admin-digest",
    ],
)
def test_each_schedule_is_in_the_beat_schedule_and_names_a_task(entry):
    task_name = settings.CELERY_BEAT_SCHEDULE[entry]["task"]
    task = import_string(task_name)
    assert task.name == task_name


@pytest.mark.django_db
def test_beat_tasks_run_on_an_empty_database():
    from notifications import schedule_tasks, tasks

    for task in (
        schedule_tasks.deadline_reminders_task,
        schedule_tasks.review_due_reminders_task,
        schedule_tasks.reviewer_digest_task,
        schedule_tasks.liaison_digest_task,
        schedule_tasks.admin_digest_task,
    ):
        assert task.apply().get() == 0
    assert tasks.email_sweep_stale_task.apply().get() == {"requeued": 0, "failed": 0}
