"""Fault: beat misses the quarterly run (the broker was down at 6 a.m. on the first day).
The sweeper's catch-up creates the missing scheduled report, once."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from reports.models import Report
from reports.schedule import scheduled_reports_catch_up
from reports.tasks import report_sweep_stale_task

from .conftest import report

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=EASTERN)


def test_a_missed_quarterly_run_is_caught_up_once(
    program_admin, django_capture_on_commit_callbacks
):
    # 1 October 2026, 6 a.m.: beat's run never happened. Two days later the sweeper runs.
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        created = scheduled_reports_catch_up(now=at(2026, 10, 3, 9, 0))
    assert created == 1
    scheduled = Report.objects.get(schedule_key="program_report:2026-Q3")
    assert scheduled.params["start"] == "2026-07-01" and scheduled.params["end"] == "2026-09-30"
    assert scheduled.status == Report.Status.READY
    # The next sweeps, and beat's own run if it comes late, create nothing more.
    assert scheduled_reports_catch_up(now=at(2026, 10, 3, 9, 5)) == 0
    assert scheduled_reports_catch_up(now=at(2026, 12, 31, 23, 0)) == 0
    assert Report.objects.filter(schedule_key__startswith="program_report:").count() == 1
    assert len([m for m in mail.outbox if "Program report" in m.subject]) == 1
    report(
        "beat missed quarterly run",
        lost=0,
        duplicated=Report.objects.filter(schedule_key="program_report:2026-Q3").count() - 1,
        recovery_seconds=time.monotonic() - started,
    )


def test_catch_up_does_not_run_a_quarter_before_its_time(program_admin):
    # Before 6 a.m. on 1 October the Q3 report is not due; the Q2 one is checked instead.
    scheduled_reports_catch_up(now=at(2026, 10, 1, 5, 59))
    assert not Report.objects.filter(schedule_key="program_report:2026-Q3").exists()
    assert Report.objects.filter(schedule_key="program_report:2026-Q2").exists()


def test_the_sweep_task_catches_up(program_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        counts = report_sweep_stale_task.delay().get()
    assert counts["scheduled"] == 1
    assert Report.objects.filter(schedule_key__startswith="program_report:").count() == 1
