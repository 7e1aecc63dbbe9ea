"""Report services: request, render (idempotent), failure, sweeper, settings."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from reports import services
from reports.kinds import UnknownReportKind
from reports.models import Report, ReportSettings
from reports.services import (
    report_mark_failed,
    report_render,
    report_request,
    report_settings_update,
    report_sweep_stale,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """Capture render publications instead of running them."""
    from reports.tasks import report_render_task

    published: list[int] = []
    monkeypatch.setattr(report_render_task, "delay", lambda report_id: published.append(report_id))
    return published


def test_request_creates_a_queued_row_and_publishes_after_commit(
    applicant, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = report_request(kind="test-figures", params={"rows": 3}, actor=applicant)
        assert enqueued == []  # nothing published before the commit

    assert report.status == Report.Status.QUEUED
    assert report.requested_by == applicant and report.enqueued_at is not None
    assert report.history.latest().history_user == applicant
    assert len(callbacks) == 1
    callbacks[0]()
    assert enqueued == [report.pk]


def test_request_of_an_unknown_kind_is_refused_and_writes_nothing(applicant):
    with pytest.raises(UnknownReportKind):
        report_request(kind="no-such-kind", params={}, actor=applicant)
    assert not Report.objects.exists()


def test_status_moves_queued_rendering_ready(
    applicant, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # not executed: the row stays queued
        # 60 rows: more than one page, now that the content starts on page 1.
        report = report_request(kind="test-figures", params={"rows": 60}, actor=applicant)
    assert Report.objects.get(pk=report.pk).status == Report.Status.QUEUED

    seen_while_rendering = []
    real_html_to_pdf = services.html_to_pdf

    def spy(template_name, context):
        row = Report.objects.get(pk=report.pk)
        seen_while_rendering.append((row.status, row.attempts, row.started_at is not None))
        return real_html_to_pdf(template_name, context)

    monkeypatch.setattr(services, "html_to_pdf", spy)
    report_render(report_id=report.pk)

    assert seen_while_rendering == [(Report.Status.RENDERING, 1, True)]
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert report.finished_at >= report.started_at
    assert report.page_count >= 2 and report.size_bytes > 1000
    assert report.file.name == f"reports/{report.pk}/figures-{report.pk}.pdf"


def test_render_twice_leaves_one_file_one_status_change_and_one_notification(
    applicant, render_now, report_test_kinds
):
    report = render_now("test-figures", {"rows": 2}, applicant)
    first_name, first_finished = report.file.name, report.finished_at
    ready_rows_before = report.history.filter(status=Report.Status.READY).count()

    report_render(report_id=report.pk)  # the same task delivered again

    report.refresh_from_db()
    assert report.file.name == first_name and report.finished_at == first_finished
    assert report.history.filter(status=Report.Status.READY).count() == ready_rows_before == 1
    _dirs, files = report.file.storage.listdir(f"reports/{report.pk}")
    assert files == [f"figures-{report.pk}.pdf"]
    assert report_test_kinds.READY_CALLS == [report.pk]
    assert report.notified_at is not None


def test_re_rendering_after_a_lost_claim_overwrites_the_same_file(applicant, render_now):
    report = render_now("test-figures", {"rows": 2}, applicant)
    # A worker died after storing the file but before the row said "ready":
    # the next render must replace the file, not add "figures-1_abc.pdf".
    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED)
    report_render(report_id=report.pk)
    _dirs, files = report.file.storage.listdir(f"reports/{report.pk}")
    assert files == [f"figures-{report.pk}.pdf"]


def test_only_one_worker_claims_a_queued_report(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        report = report_request(kind="test-figures", params={"rows": 1}, actor=applicant)
    assert services._claim_for_rendering(report.pk) is True
    assert services._claim_for_rendering(report.pk) is False  # second delivery


def test_a_failure_keeps_the_error_and_never_hides_a_ready_pdf(applicant, render_now):
    report = render_now("test-figures", {"rows": 1}, applicant)
    report_mark_failed(report_id=report.pk, error="late failure")
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.error == ""


def test_mark_failed_keeps_the_error(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        report = report_request(kind="test-figures", params={"rows": 1}, actor=applicant)
    report_mark_failed(report_id=report.pk, error="ValueError: no such site")
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == "ValueError: no such site"
    assert report.finished_at is not None


def test_a_transient_error_returns_the_row_to_queued_for_the_retry(
    applicant, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        report = report_request(kind="test-figures", params={"rows": 1}, actor=applicant)

    def database_gone(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "html_to_pdf", database_gone)
    with pytest.raises(OperationalError):
        report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED and report.attempts == 1


def test_a_failing_on_ready_is_retried_by_the_next_delivery(applicant, report_test_kinds):
    calls = []

    def flaky_on_ready(report):
        calls.append(report.pk)
        if len(calls) == 1:
            raise ConnectionError("SMTP down")

    from dataclasses import replace

    from reports import kinds

    kinds.unregister("test-figures")
    kinds.register(replace(report_test_kinds.FIGURES, on_ready=flaky_on_ready))
    with pytest.raises(ConnectionError):
        report_render(report_id=_queued(applicant).pk)
    report = Report.objects.get()
    assert report.status == Report.Status.READY and report.notified_at is None
    report_render(report_id=report.pk)  # the task's retry
    report.refresh_from_db()
    assert len(calls) == 2 and report.notified_at is not None
    report_render(report_id=report.pk)  # a later duplicate delivery notifies no more
    assert len(calls) == 2


def _queued(actor, kind="test-figures", params=None, **fields):
    report = Report.objects.create(
        kind=kind,
        params=params or {"rows": 1},
        requested_by=actor,
        enqueued_at=timezone.now(),
        **fields,
    )
    return report


def test_sweeper_republishes_stale_queued_reports_only(
    applicant, enqueued, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stale = _queued(applicant)
    Report.objects.filter(pk=stale.pk).update(enqueued_at=now - timedelta(minutes=30))
    fresh = _queued(applicant)
    done = _queued(applicant, status=Report.Status.READY)
    Report.objects.filter(pk=done.pk).update(enqueued_at=now - timedelta(minutes=30))

    with django_capture_on_commit_callbacks(execute=True):
        counts = report_sweep_stale()

    assert enqueued == [stale.pk]
    assert counts == {"requeued": 1, "recovered": 0, "failed": 0, "retried": 0}
    stale.refresh_from_db()
    assert stale.status == Report.Status.QUEUED and stale.enqueued_at > now - timedelta(seconds=5)
    assert fresh.pk not in enqueued
    # Swept again at once: the row was just published, nothing more goes out.
    with django_capture_on_commit_callbacks(execute=True):
        report_sweep_stale()
    assert enqueued == [stale.pk]


def test_sweeper_requeues_renders_that_lost_their_worker_and_fails_them_when_attempts_run_out(
    applicant, enqueued, settings, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    lost = _queued(applicant, status=Report.Status.RENDERING, attempts=1)
    exhausted = _queued(applicant, status=Report.Status.RENDERING, attempts=5)
    running = _queued(
        applicant, status=Report.Status.RENDERING, attempts=1, started_at=timezone.now()
    )
    Report.objects.filter(pk__in=[lost.pk, exhausted.pk]).update(started_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        counts = report_sweep_stale()

    assert counts == {"requeued": 0, "recovered": 1, "failed": 1, "retried": 0}
    assert enqueued == [lost.pk]
    lost.refresh_from_db()
    exhausted.refresh_from_db()
    running.refresh_from_db()
    assert lost.status == Report.Status.QUEUED
    assert exhausted.status == Report.Status.FAILED
    assert "after 5 attempts" in exhausted.error
    assert running.status == Report.Status.RENDERING


def test_a_stale_rendering_row_can_be_claimed_again_by_a_redelivered_task(applicant, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    report = _queued(applicant, status=Report.Status.RENDERING, attempts=1, started_at=long_ago)
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.attempts == 2


def test_render_of_a_deleted_report_does_nothing_and_logs_why(caplog, mailoutbox):
    # A stale message for a deleted row: no exception (the task would retry forever),
    # no row re-created, no mail, and the log says why nothing happened.
    with caplog.at_level("WARNING", logger="reports.services"):
        report_render(report_id=987654)
    assert not Report.objects.exists()
    assert mailoutbox == []
    assert "987654 no longer exists" in caplog.text


def test_settings_default_marking_and_audited_update(program_admin):
    # The CUI banner, never joined with the retired FOUO marking.
    assert ReportSettings.load().marking == "CUI"
    assert "OFFICIAL USE" not in ReportSettings.load().marking
    report_settings_update(marking="CUI//FEDCON", actor=program_admin)
    settings_row = ReportSettings.load()
    assert settings_row.marking == "CUI//FEDCON"
    assert settings_row.history.latest().history_user == program_admin
    assert ReportSettings.objects.count() == 1
