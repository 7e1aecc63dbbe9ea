"""Issue 13, item 3: without a broker, submitting does not wait for the receipt PDF.

The embedded default (`make run`: no REDIS_URL) runs tasks in-process. Its web process
runs them on one background thread after the request (psp_portal.task_base), so the
submission's response comes back at once and the receipt is ready a little later.
Tests and commands keep running tasks inline; with a broker, Celery publishes as always.
"""

import threading

import pytest
from celery import Task
from django.urls import reverse

from psp_portal.celery import app as celery_app
from psp_portal.task_base import PortalTask, background_tasks, run_eager_tasks_in_background
from reports.models import Report

RELEASE_TIMEOUT = 20  # s: only reached when the render runs inside the request (the bug)

calls: list[str] = []
release = threading.Event()


@celery_app.task(name="tests.applications.background_probe")
def background_probe(tag: str) -> None:
    """Waits until the test releases it, then records the thread it ran on."""
    release.wait(RELEASE_TIMEOUT)
    calls.append(f"{tag}@{threading.current_thread().name}")


@pytest.fixture
def in_background(settings):
    """The web process of the embedded default: eager tasks on the background thread."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TASKS_IN_BACKGROUND_THREAD = True
    assert run_eager_tasks_in_background() is True
    calls.clear()
    release.clear()
    yield background_tasks
    release.set()
    background_tasks.wait(timeout=120)
    background_tasks.enabled = False


def test_every_portal_task_is_a_portal_task():
    # A task on plain celery.Task would still render inside the request without a broker.
    ours = {
        name: task
        for name, task in celery_app.tasks.items()
        if not name.startswith("celery.") and not name.startswith("tests.")
    }
    assert ours, "no portal task is registered"
    wrong = sorted(name for name, task in ours.items() if not isinstance(task, PortalTask))
    assert wrong == []


def test_the_setting_alone_does_not_move_tasks_off_the_caller(settings):
    # Only the web entry point turns the thread on; commands and tests run inline.
    settings.TASKS_IN_BACKGROUND_THREAD = False
    assert run_eager_tasks_in_background() is False
    calls.clear()
    release.set()
    background_probe.delay("inline")
    assert calls == [f"inline@{threading.current_thread().name}"]


def test_in_background_delay_returns_before_the_task_runs_and_the_task_runs_after(
    in_background,
):
    result = background_probe.delay("later")
    # The call came back while the task still waits: nothing ran on the caller's thread.
    assert calls == [] and result.id
    release.set()
    assert in_background.wait(timeout=60) is True
    (call,) = calls
    assert call.startswith("later@psp-task")


def test_with_a_broker_tasks_are_published_not_run_on_the_thread(in_background, monkeypatch):
    published = []
    monkeypatch.setattr(
        Task, "apply_async", lambda self, *args, **kwargs: published.append(self.name)
    )
    celery_app.conf.task_always_eager = False  # REDIS_URL set: a broker takes the task
    try:
        background_probe.delay("published")
    finally:
        celery_app.conf.task_always_eager = True
    assert published == ["tests.applications.background_probe"]
    release.set()
    assert in_background.wait(timeout=5) is True and calls == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the thread reads commits
def test_submit_answers_before_the_receipt_renders_and_the_receipt_is_ready_after(
    client, applicant, complete_draft, in_background, monkeypatch
):
    from reports import services as report_services

    real_html_to_pdf = report_services.html_to_pdf
    rendered_on = []

    def held_render(*args, **kwargs):
        release.wait(RELEASE_TIMEOUT)
        rendered_on.append(threading.current_thread().name)
        return real_html_to_pdf(*args, **kwargs)

    monkeypatch.setattr(report_services, "html_to_pdf", held_render)
    client.force_login(applicant)
    response = client.post(
        reverse("applications:submit", args=[complete_draft.pk]), {"attestation": "on"}
    )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    receipt = complete_draft.receipt
    # The response is back and the receipt is still being made: the page says so.
    assert receipt.status in (Report.Status.QUEUED, Report.Status.RENDERING)
    assert rendered_on == []
    page = client.get(response["Location"]).content.decode()
    assert "Download PDF receipt" not in page
    release.set()
    assert in_background.wait(timeout=180) is True
    receipt.refresh_from_db()
    assert receipt.status == Report.Status.READY and receipt.file
    assert len(rendered_on) == 1 and rendered_on[0].startswith("psp-task")
    assert "Download PDF receipt" in client.get(response["Location"]).content.decode()
