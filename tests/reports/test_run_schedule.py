"""`manage.py run_schedule --now` runs the scheduled jobs in make run's setup (issue 13
item 13): the quarterly program report is queued once, however often it is run."""

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report

pytestmark = pytest.mark.django_db


def test_run_schedule_now_queues_the_quarterly_report_once(program_admin):
    call_command("run_schedule", "--now", "--job", "reports-program-report-quarterly")
    scheduled = Report.objects.exclude(schedule_key=None)
    assert scheduled.count() == 1
    assert scheduled.get().kind == "program_report"
    call_command("run_schedule", "--now", "--job", "reports-program-report-quarterly")
    assert Report.objects.exclude(schedule_key=None).count() == 1  # keyed by its quarter


def test_run_schedule_needs_now_and_a_known_job():
    with pytest.raises(CommandError, match="--now"):
        call_command("run_schedule")
    with pytest.raises(CommandError, match="No scheduled job"):
        call_command("run_schedule", "--now", "--job", "nope")
