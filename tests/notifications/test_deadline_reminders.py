"""Deadline reminders to applicants, on a frozen clock (time-machine), in Eastern Time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from notifications.models import SentReminder
from notifications.schedules import deadline_reminders_send
from notifications.services import preference_set
from tests.factories import ApplicantFactory, ApplicationFactory, CycleFactory

pytestmark = pytest.mark.django_db

ET = ZoneInfo("America/New_York")


def at(year, month, day, hour=9, minute=0):
    """A moment in Eastern Time (beat runs the reminders at 9 a.m. ET)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ET)


@pytest.fixture
def spring_cycle(db):
    # Closes Saturday April 18, 2026, 11:59 p.m. EDT (as the 2019 cycle did).
    return CycleFactory(
        name="PSP 2026 cycle", opens_at=at(2026, 2, 25), closes_at=at(2026, 4, 18, 23, 59)
    )


@pytest.fixture
def draft(spring_cycle):
    applicant = ApplicantFactory(full_name="Dana Cole")
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction, full_name="Lee Park")
    application = ApplicationFactory(
        cycle=spring_cycle, jurisdiction=applicant.jurisdiction, created_by=applicant
    )
    return application, applicant, colleague


def run_at(moment, deliver):
    with time_machine.travel(moment, tick=False), deliver():
        return deadline_reminders_send()


@pytest.mark.parametrize(
    "moment, days", [(at(2026, 4, 4), 14), (at(2026, 4, 15), 3), (at(2026, 4, 17), 1)]
)
def test_every_member_gets_one_reminder_14_3_and_1_days_before(draft, deliver, moment, days):
    application, applicant, colleague = draft
    assert run_at(moment, deliver) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([applicant.email, colleague.email])
    left = "1 day" if days == 1 else f"{days} days"
    assert mail.outbox[0].subject.startswith(f"[PSP Portal] {left} left: PSP 2026 cycle closes")


@pytest.mark.parametrize(
    "moment",
    [
        at(2026, 4, 16),  # two days before: not a reminder day
        at(2026, 4, 18),  # the day of the close
        at(2026, 4, 18, 23, 59) + datetime.timedelta(minutes=1),  # just closed
        at(2026, 4, 19),  # after the close
    ],
)
def test_no_reminder_on_other_days_or_after_the_close(draft, deliver, moment):
    assert run_at(moment, deliver) == 0
    assert mail.outbox == []


def test_the_mail_lists_incomplete_sections_and_the_close_in_eastern_time(draft, deliver):
    run_at(at(2026, 4, 15), deliver)
    body = mail.outbox[0].body
    assert "Saturday, April 18, 2026 at 11:59 p.m. Eastern Daylight Time (EDT)" in body
    assert "Still incomplete:" in body
    for title in (
        "Jurisdiction",
        "Contacts",
        "Letters of commitment",
        "Section 1373 certification",
    ):
        assert f"- {title}" in body
    application = draft[0]
    assert f"/applications/{application.pk}/" in body


def test_a_complete_draft_is_told_to_submit(spring_cycle, deliver):
    applicant = ApplicantFactory()
    ApplicationFactory(
        cycle=spring_cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )
    run_at(at(2026, 4, 17), deliver)
    assert "Every section is complete" in mail.outbox[0].body
    assert "Still incomplete" not in mail.outbox[0].body


def test_jurisdictions_that_submitted_or_withdrew_get_nothing(spring_cycle, deliver):
    submitted = ApplicantFactory()
    withdrawn = ApplicantFactory()
    with time_machine.travel(at(2026, 3, 1), tick=False):
        ApplicationFactory(cycle=spring_cycle, jurisdiction=submitted.jurisdiction, submitted=True)
        ApplicationFactory(cycle=spring_cycle, jurisdiction=withdrawn.jurisdiction, withdrawn=True)
    assert run_at(at(2026, 4, 15), deliver) == 0
    assert mail.outbox == []


def test_a_second_run_the_same_day_sends_nothing_more(draft, deliver):
    assert run_at(at(2026, 4, 15), deliver) == 2
    assert run_at(at(2026, 4, 15, 9, 5), deliver) == 0  # beat ran twice / task redelivered
    assert len(mail.outbox) == 2
    assert SentReminder.objects.filter(kind="deadline_reminder").count() == 2
    reminder = SentReminder.objects.filter(user=draft[1]).get()
    assert reminder.subject_key == f"application:{draft[0].pk}"
    assert reminder.for_date == datetime.date(2026, 4, 15)
    assert reminder.email.to == draft[1].email


def test_the_ledger_unique_constraint_stops_a_racing_duplicate(draft):
    from django.db import IntegrityError, transaction

    user = draft[1]
    SentReminder.objects.create(
        user=user, kind="deadline_reminder", subject_key="application:1", for_date="2026-04-15"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(
            user=user, kind="deadline_reminder", subject_key="application:1", for_date="2026-04-15"
        )


def test_a_member_who_turned_reminders_off_gets_none(draft, deliver):
    application, applicant, colleague = draft
    preference_set(user=applicant, kind="deadline_reminder", delivery="off")
    run_at(at(2026, 4, 15), deliver)
    assert [m.to[0] for m in mail.outbox] == [colleague.email]


# --- across the end of daylight-saving time (Sunday, November 1, 2026, 2 a.m.) ----------


@pytest.fixture
def autumn_draft(db):
    # Closes Monday November 2, 2026, 11:59 p.m. EST = Tuesday November 3, 04:59 UTC.
    cycle = CycleFactory(opens_at=at(2026, 9, 1), closes_at=at(2026, 11, 2, 23, 59))
    applicant = ApplicantFactory()
    ApplicationFactory(cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant)
    return applicant


def test_three_days_before_in_daylight_time_names_standard_time_for_the_close(
    autumn_draft, deliver
):
    assert run_at(at(2026, 10, 30), deliver) == 1  # Friday, still EDT
    body = mail.outbox[0].body
    assert "Monday, November 2, 2026 at 11:59 p.m. Eastern Standard Time (EST)" in body


def test_one_day_before_counts_eastern_calendar_days_not_utc_ones(autumn_draft, deliver):
    # In UTC the close falls on November 3, two days after November 1; in Eastern Time
    # it is the next day, and the program's deadline is an Eastern one.
    assert run_at(at(2026, 11, 1), deliver) == 1
    assert mail.outbox[0].subject.startswith("[PSP Portal] 1 day left:")
    assert run_at(at(2026, 11, 2), deliver) == 0  # the day of: no reminder
