"""End to end on a real Celery worker over Redis: request -> worker renders -> PDF."""

import io
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from reports.models import DEFAULT_MARKING, Report
from reports.services import report_request, report_sweep_stale
from reports.tasks import report_render_task
from tests.factories import ApplicantFactory

pytestmark = [
    pytest.mark.integration,
    # Committed rows, so the worker process sees them; serialized_rollback restores
    # the role groups the flush after each test would otherwise remove.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_until_finished(report_id, output, timeout=60) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        if report.is_finished:
            return report
        time.sleep(0.25)
    pytest.fail(
        f"Report {report_id} still {report.status} after {timeout} s. Worker log:\n{output()}"
    )


def pdf_text(report) -> list[str]:
    with report.file.open("rb") as fh:
        return [page.extract_text() for page in PdfReader(io.BytesIO(fh.read())).pages]


def test_worker_renders_a_requested_report_to_a_real_pdf(
    celery_worker, publish_to_redis, integration_kinds
):
    _process, output = celery_worker
    applicant = ApplicantFactory()

    started = time.monotonic()
    report = report_request(
        kind="test-figures", params={"rows": 40, "district": "Worker District"}, actor=applicant
    )
    report = wait_until_finished(report.pk, output)
    print(f"\nreal worker produced report {report.pk} in {time.monotonic() - started:.1f} s")

    assert report.status == Report.Status.READY, report.error
    assert report.attempts == 1
    pages = pdf_text(report)
    assert len(pages) == report.page_count >= 2
    assert "Test figures report" in pages[0] and "Worker District" in pages[0]
    assert applicant.email in pages[0]
    assert all(DEFAULT_MARKING in text for text in pages)
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "Engagement 40" in "\n".join(pages)
    # Rendered by the worker process, not in this one.
    assert "Task reports.tasks.report_render_task[" in output()


def test_the_same_task_delivered_twice_leaves_one_file(
    celery_worker, publish_to_redis, integration_kinds
):
    _process, output = celery_worker
    report = report_request(kind="test-figures", params={"rows": 2}, actor=ApplicantFactory())
    report = wait_until_finished(report.pk, output)
    assert report.status == Report.Status.READY
    first_finished = report.finished_at

    succeeded_before = output().count(" succeeded in ")
    report_render_task.delay(report.pk)  # a duplicate delivery
    deadline = time.monotonic() + 30
    while output().count(" succeeded in ") <= succeeded_before and time.monotonic() < deadline:
        time.sleep(0.25)

    assert output().count(" succeeded in ") > succeeded_before, output()
    report.refresh_from_db()
    assert report.finished_at == first_finished and report.attempts == 1
    _dirs, files = report.file.storage.listdir(f"reports/{report.pk}")
    assert files == [f"figures-{report.pk}.pdf"]


def test_a_report_requested_while_redis_is_down_is_produced_once_the_sweeper_runs(
    celery_worker, publish_to_redis, integration_kinds
):
    _process, output = celery_worker
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]

    with publish_to_redis(f"redis://127.0.0.1:{dead_port}/3"):
        started = time.monotonic()
        report = report_request(kind="test-figures", params={"rows": 1}, actor=ApplicantFactory())
        assert time.monotonic() - started < 10
    time.sleep(1)
    assert Report.objects.get(pk=report.pk).status == Report.Status.QUEUED

    # Redis is back; the beat sweeper's next run (here, as if 30 minutes later) re-publishes.
    counts = report_sweep_stale(now=timezone.now() + timedelta(minutes=30))
    assert counts["requeued"] == 1
    report = wait_until_finished(report.pk, output)
    assert report.status == Report.Status.READY
    assert "Test figures report" in pdf_text(report)[0]
