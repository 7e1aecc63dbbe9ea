"""Mail through a real Celery worker over Redis: delivery after commit, and a beat task
published by name (as celery beat does) finding its reminder."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from notifications.models import Email, SentReminder
from notifications.services import email_queue
from tests.factories import ApplicantFactory, ApplicationFactory, CycleFactory, UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ET = ZoneInfo("America/New_York")


def wait_for(check, output, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"worker did not finish in {seconds} s\n{output()}")


def test_worker_delivers_queued_mail(celery_worker, publish_to_redis):
    _process, output = celery_worker
    email = email_queue(kind="soi_receipt", to=UserFactory(), subject="Received", text="t")
    wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT, output)
    assert Email.objects.get(pk=email.pk).attempts == 1


def test_beat_task_by_name_sends_the_deadline_reminder_once(celery_worker, publish_to_redis):
    from psp_portal.celery import app

    _process, output = celery_worker
    today = timezone.localdate(timezone.now(), ET)
    close_day = today + datetime.timedelta(days=3)
    closes_at = datetime.datetime(close_day.year, close_day.month, close_day.day, 23, 59, tzinfo=ET)
    cycle = CycleFactory(opens_at=timezone.now() - datetime.timedelta(days=30), closes_at=closes_at)
    applicant = ApplicantFactory()
    ApplicationFactory(cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant)
    name = "notifications.schedule_tasks.deadline_reminders_task"
    app.send_task(name)
    app.send_task(name)  # beat restarted: the same run twice
    wait_for(lambda: Email.objects.filter(kind="deadline_reminder", status="sent").exists(), output)
    # The solo worker runs tasks in order: both runs finished before the delivery they queued.
    assert SentReminder.objects.filter(user=applicant, kind="deadline_reminder").count() == 1
    assert Email.objects.filter(kind="deadline_reminder").count() == 1
