"""The render task: retries only transient errors, fails for good on template/data errors."""

import pytest
from django.db import OperationalError
from django.template import TemplateSyntaxError

from reports import services
from reports.models import Report
from reports.tasks import TRANSIENT_ERRORS, report_render_task, report_sweep_stale_task

pytestmark = pytest.mark.django_db


def test_render_task_is_acknowledged_late_and_requeued_when_the_worker_dies():
    assert report_render_task.acks_late is True
    assert report_render_task.reject_on_worker_lost is True
    assert report_render_task.max_retries == 4
    assert report_render_task.retry_backoff


def test_only_transient_errors_are_retried():
    assert issubclass(OperationalError, TRANSIENT_ERRORS)
    assert issubclass(ConnectionError, TRANSIENT_ERRORS)
    for permanent in (TemplateSyntaxError, KeyError, ValueError, TypeError):
        assert not issubclass(permanent, TRANSIENT_ERRORS)


def test_a_template_error_ends_in_failed_with_the_error_and_no_retry(applicant, render_now):
    report = render_now("test-broken-template", {}, applicant)
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("TemplateSyntaxError")
    assert report.attempts == 1  # each retry would have claimed (and counted) again
    assert not report.file


def test_a_data_error_ends_in_failed_with_the_error(applicant, render_now):
    report = render_now("test-bad-data", {"district": "no rows given"}, applicant)
    assert report.status == Report.Status.FAILED
    assert report.error == "KeyError: 'rows'"
    assert report.attempts == 1


def test_a_transient_error_is_retried_and_the_report_still_produced(
    applicant, render_now, monkeypatch
):
    real_html_to_pdf = services.html_to_pdf
    calls = []

    def flaky(template_name, context):
        calls.append(template_name)
        if len(calls) == 1:
            raise OperationalError("could not connect to server")
        return real_html_to_pdf(template_name, context)

    monkeypatch.setattr(services, "html_to_pdf", flaky)
    report = render_now("test-figures", {"rows": 2}, applicant)
    assert report.status == Report.Status.READY
    assert report.attempts == 2 and len(calls) == 2


def test_a_transient_error_that_persists_fails_after_a_bounded_number_of_tries(
    applicant, render_now, monkeypatch
):
    def always_down(template_name, context):
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(services, "html_to_pdf", always_down)
    report = render_now("test-figures", {"rows": 2}, applicant)
    assert report.status == Report.Status.FAILED
    assert report.error == "ConnectionError: storage unreachable"
    assert report.attempts == report_render_task.max_retries + 1


def test_sweep_task_runs_the_sweeper_and_records_its_run(applicant):
    from operations.models import JobRun

    counts = report_sweep_stale_task.delay().get()
    # "scheduled": the past quarter's program report, due and missing on a new database.
    assert counts == {"requeued": 0, "recovered": 0, "failed": 0, "retried": 0, "scheduled": 1}
    assert report_sweep_stale_task.delay().get()["scheduled"] == 0
    run = JobRun.objects.get(name="reports-sweep-stale")
    assert run.last_outcome == JobRun.Outcome.OK and run.last_result["scheduled"] == 0


def test_sweep_task_is_scheduled_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-sweep-stale"]
    assert entry["task"] == report_sweep_stale_task.name
    assert entry["schedule"] <= 600
