"""Issue 13, item 13: the report settings page shows each scheduled job's last and next run.

The rows come from operations.jobs.scheduled_jobs, the operations page's own source."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from operations.jobs import JOB_TITLES
from operations.models import JobRun

pytestmark = pytest.mark.django_db

ET = ZoneInfo("America/New_York")
URL = reverse("reports:settings")
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=ET)


@time_machine.travel(NOW, tick=False)
def test_program_admin_sees_each_jobs_last_and_next_run(client, program_admin):
    JobRun.objects.create(
        name="reports-program-report-quarterly",
        last_started_at=datetime.datetime(2026, 10, 1, 6, 0, tzinfo=ET),
        last_success_at=datetime.datetime(2026, 10, 1, 6, 1, tzinfo=ET),
        last_outcome=JobRun.Outcome.OK,
    )
    client.force_login(program_admin)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    quarterly = next(j for j in page.context["jobs"] if j["name"].endswith("quarterly"))
    # The quarterly report ran on October 1; beat runs it next on January 1, 6 a.m.
    assert quarterly["next_run"] == datetime.datetime(2027, 1, 1, 6, 0, tzinfo=ET)
    assert "Oct 1, 2026, 6:00 AM ET" in html and "Succeeded" in html
    assert "Jan 1, 2027, 6:00 AM ET" in html
    # A clock-time job that never ran is next due at its next time (3 a.m. retention)...
    assert "Dec 2, 2026, 3:00 AM ET" in html
    # ... and every job of the schedule is listed, by what it does.
    for name in settings.CELERY_BEAT_SCHEDULE:
        assert escape(JOB_TITLES[name]) in html, name
    assert html.count("<td>Never</td>") == len(settings.CELERY_BEAT_SCHEDULE) - 1


def test_without_a_broker_the_page_says_how_to_run_the_jobs(client, program_admin, settings):
    client.force_login(program_admin)
    settings.CELERY_TASK_ALWAYS_EAGER = True  # `make run`: no REDIS_URL, no beat
    assert "make schedule" in client.get(URL).content.decode()
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker: beat runs them
    assert "make schedule" not in client.get(URL).content.decode()


def test_every_scheduled_job_has_a_title():
    assert set(settings.CELERY_BEAT_SCHEDULE) <= set(JOB_TITLES)


@pytest.mark.parametrize("role", ["applicant", "reviewer", "selecting_official", "liaison"])
def test_other_roles_are_refused(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
