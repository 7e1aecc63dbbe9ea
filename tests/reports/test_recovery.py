"""Faults in rendering recover on their own (issue 15, items 2 and 3).

Storage errors are real (the media location is made unusable), not mocked.
Each fault test prints what was lost, duplicated, and how the row recovered.
"""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.models.signals import pre_save
from django.utils import timezone

from reports import services
from reports.models import Report
from reports.services import (
    RerunNotAllowed,
    report_mark_failed,
    report_render,
    report_rerun,
    report_sweep_stale,
)
from tests.faults.conftest import report as fault_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    """The media location, and a way to break it for real: a plain file where the
    directory should be (every write raises an OSError, even for root)."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }

    class Media:
        path = location

        def break_it(self):
            location.parent.mkdir(parents=True, exist_ok=True)
            location.write_text("not a directory")

        def repair(self):
            location.unlink()

        def files(self, report):
            folder = location / "reports" / str(report.pk)
            return sorted(p.name for p in folder.iterdir()) if folder.exists() else []

    return Media()


def sweep_later(minutes=120):
    # The sweeper as beat runs it, a while after the failure.
    return report_sweep_stale(now=timezone.now() + timedelta(minutes=minutes))


def test_a_storage_error_is_retried_then_swept_until_the_report_is_ready(
    applicant, render_now, media, django_capture_on_commit_callbacks
):
    media.break_it()
    report = render_now("test-figures", {"rows": 2}, applicant)
    # The task's own retries (with backoff) all met the broken storage.
    assert report.status == Report.Status.FAILED
    assert report.error.startswith(("NotADirectoryError", "FileExistsError"))
    assert report.attempts == 5
    assert report.next_attempt_at is not None and report.next_attempt_at > timezone.now()
    # Not due yet: the sweeper leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert report_sweep_stale()["retried"] == 0

    media.repair()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep_later()
    assert counts["retried"] == 1
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert report.next_attempt_at is None and report.error == ""
    assert media.files(report) == [f"figures-{report.pk}.pdf"]
    fault_report(
        "storage error",
        lost=0,
        duplicated=len(media.files(report)) - 1,
        recovery_seconds=time.monotonic() - started,
        attempts=report.attempts,
    )


def test_a_permanent_error_is_not_retried_by_the_sweeper(applicant, render_now):
    report = render_now("test-broken-template", {}, applicant)
    assert report.status == Report.Status.FAILED and report.next_attempt_at is None
    assert sweep_later()["retried"] == 0


def test_a_failed_receipt_is_rerun_by_the_sweeper_whatever_the_error(
    applicant, render_now, django_capture_on_commit_callbacks
):
    # "test-must-deliver" is declared rerun_until_ready, as the SOI receipt is.
    report = render_now("test-must-deliver", {}, applicant)
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("TemplateSyntaxError")
    assert report.next_attempt_at is not None  # the applicant cannot ask again
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_later()["retried"] == 1
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.attempts == 2


def test_the_soi_receipt_is_a_kind_the_sweeper_reruns_until_ready():
    from reports.kinds import get_kind

    assert get_kind("soi_packet").rerun_until_ready is True


def test_the_sweeper_gives_up_after_the_attempts_and_alerts_the_admins_once(
    applicant, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Ops", "ops@psp.example.gov")]
    settings.REPORTS_RETRY_MAX_ATTEMPTS = 3
    report = Report.objects.create(
        kind="test-figures", params={"rows": 1}, requested_by=applicant, attempts=3
    )
    with django_capture_on_commit_callbacks(execute=True):  # the alert leaves after commit
        report_mark_failed(report_id=report.pk, error="PermissionError: denied", retryable=True)
        report_mark_failed(report_id=report.pk, error="PermissionError: denied", retryable=True)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.next_attempt_at is None and report.admins_alerted_at is not None
    assert len(mail.outbox) == 1
    assert f"Report {report.pk}" in mail.outbox[0].subject
    assert "reports_rerun --id" in mail.outbox[0].body
    assert sweep_later()["retried"] == 0


def test_a_redelivered_task_takes_over_its_own_claim_at_once(applicant):
    report = Report.objects.create(kind="test-figures", params={"rows": 1}, requested_by=applicant)
    # The first delivery claimed the row, then its worker process was killed.
    assert services._claim_for_rendering(report.pk, task_id="task-1", worker="host:100")
    # Another message (a different task id) must not take a fresh claim ...
    report_render(report_id=report.pk, task_id="task-2", worker="host:300")
    report.refresh_from_db()
    assert report.status == Report.Status.RENDERING and report.claim_worker == "host:100"
    # ... but the same message, redelivered to a new process, takes it over now.
    report_render(report_id=report.pk, task_id="task-1", worker="host:200")
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert report.attempts == 2
    assert (report.claim_task_id, report.claim_worker) == ("task-1", "host:200")


def test_a_render_that_lost_its_claim_does_not_mark_the_report_ready(applicant, monkeypatch):
    report = Report.objects.create(kind="test-figures", params={"rows": 1}, requested_by=applicant)
    real_html_to_pdf = services.html_to_pdf

    def taken_over_meanwhile(template_name, context):
        # While this process renders, its message is redelivered elsewhere.
        Report.objects.filter(pk=report.pk).update(claim_worker="host:other")
        return real_html_to_pdf(template_name, context)

    monkeypatch.setattr(services, "html_to_pdf", taken_over_meanwhile)
    report_render(report_id=report.pk, task_id="task-1", worker="host:1")
    report.refresh_from_db()
    assert report.status == Report.Status.RENDERING and report.claim_worker == "host:other"


@pytest.fixture
def database_error_on_final_save():
    """The database fails on the UPDATE that marks the report ready (times=N)."""
    failures = {"left": 0, "raised": 0}

    def fail(sender, instance, update_fields=None, **kwargs):
        if instance.status == Report.Status.READY and failures["left"]:
            failures["left"] -= 1
            failures["raised"] += 1
            raise OperationalError("server closed the connection unexpectedly")

    pre_save.connect(fail, sender=Report, dispatch_uid="fault-final-save")
    yield failures
    pre_save.disconnect(sender=Report, dispatch_uid="fault-final-save")


def test_a_database_error_during_the_final_save_is_retried_at_once_and_leaves_one_file(
    applicant, render_now, media, database_error_on_final_save
):
    database_error_on_final_save["left"] = 1
    started = time.monotonic()
    report = render_now("test-figures", {"rows": 2}, applicant)
    assert database_error_on_final_save["raised"] == 1
    assert report.status == Report.Status.READY, report.error
    assert report.attempts == 2  # the retry took the claim back at once
    assert media.files(report) == [f"figures-{report.pk}.pdf"]
    fault_report(
        "database error on final save",
        lost=0,
        duplicated=len(media.files(report)) - 1,
        recovery_seconds=time.monotonic() - started,
    )


def test_a_final_save_that_keeps_failing_leaves_no_orphaned_file(
    applicant, render_now, media, database_error_on_final_save
):
    database_error_on_final_save["left"] = 100
    report = render_now("test-figures", {"rows": 2}, applicant)
    assert report.status == Report.Status.FAILED
    assert report.next_attempt_at is not None  # a database error: the sweeper tries later
    assert media.files(report) == []  # each stored PDF was removed with its failed save
    fault_report("final save keeps failing", lost=0, duplicated=0, orphaned=0)


def test_rerun_puts_a_failed_report_back_in_the_queue_and_records_who(
    applicant, render_now, django_capture_on_commit_callbacks
):
    report = render_now("test-bad-data", {"district": "no rows"}, applicant)
    assert report.status == Report.Status.FAILED
    # The cause is fixed (here: the data), then the report is asked for again.
    Report.objects.filter(pk=report.pk).update(kind="test-figures", params={"rows": 1})
    with django_capture_on_commit_callbacks(execute=True):
        report_rerun(report=report, actor=applicant)
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert report.attempts == 1
    assert report.history.filter(status=Report.Status.QUEUED).latest().history_user == applicant


@pytest.mark.parametrize("status", [Report.Status.QUEUED, Report.Status.RENDERING, "ready"])
def test_rerun_refuses_a_report_that_is_not_failed(applicant, status):
    report = Report.objects.create(
        kind="test-figures", params={"rows": 1}, requested_by=applicant, status=status
    )
    with pytest.raises(RerunNotAllowed):
        report_rerun(report=report, actor=applicant)
