"""The liaison's daily digest and the program admin's weekly digest, on a frozen clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from engagements.models import FollowUpAction
from notifications.schedules import admin_digests_send, liaison_digests_send
from notifications.services import preference_set
from reports.models import Report
from tests.factories import ApplicationFactory, EngagementFactory, SiteFactory
from tests.reviews.factories import ReviewAssignmentFactory

pytestmark = pytest.mark.django_db

ET = ZoneInfo("America/New_York")
TUESDAY = datetime.date(2026, 6, 9)
MONDAY = datetime.date(2026, 6, 8)


def at(day, hour=6, minute=30):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ET)


def days(n):
    return datetime.timedelta(days=n)


def run(fn, day, deliver, hour=6):
    with time_machine.travel(at(day, hour), tick=False), deliver():
        return fn()


@pytest.fixture
def busy_site(liaison):
    """A site delivered to 10 days before TUESDAY (not idle)."""
    site = SiteFactory(liaison=liaison, start_date=datetime.date(2025, 1, 6))
    EngagementFactory(site=site, delivered=True, start_date=TUESDAY - days(10))
    return site


def follow_up(site, due, done=False):
    engagement = EngagementFactory(site=site, delivered=True, start_date=TUESDAY - days(10))
    return FollowUpAction.objects.create(
        engagement=engagement, description="Send the NIBIN protocol", owner="Chief", due_date=due,
        done=done,
    )  # fmt: skip


def test_liaison_digest_lists_follow_ups_due_within_7_days_and_overdue(busy_site, liaison, deliver):
    overdue = follow_up(busy_site, TUESDAY - days(2))
    due_soon = follow_up(busy_site, TUESDAY + days(7))
    follow_up(busy_site, TUESDAY + days(8))  # too far ahead
    follow_up(busy_site, TUESDAY - days(1), done=True)  # done
    assert run(liaison_digests_send, TUESDAY, deliver) == 1
    message = mail.outbox[0]
    assert message.to == [liaison.email]
    assert "2 follow-ups" in message.subject and "1 overdue" in message.subject
    assert message.body.count("Send the NIBIN protocol") == 2
    assert f"/engagements/{overdue.engagement.pk}/" in message.body
    assert f"/engagements/{due_soon.engagement.pk}/" in message.body
    assert "(OVERDUE)" in message.body


def test_liaison_digest_lists_engagements_planned_in_the_next_7_days(busy_site, deliver):
    coming = EngagementFactory(site=busy_site, planned=True, start_date=TUESDAY + days(3))
    EngagementFactory(site=busy_site, planned=True, start_date=TUESDAY + days(8))
    run(liaison_digests_send, TUESDAY, deliver)
    assert coming.title in mail.outbox[0].body
    assert "1 engagement this week" in mail.outbox[0].subject


def test_no_liaison_digest_on_a_day_with_nothing_to_say(busy_site, deliver):
    follow_up(busy_site, TUESDAY + days(20))
    assert run(liaison_digests_send, TUESDAY, deliver) == 0
    assert mail.outbox == []


def test_idle_sites_are_listed_on_mondays_only(liaison, deliver):
    idle = SiteFactory(liaison=liaison, start_date=datetime.date(2025, 1, 6))
    EngagementFactory(site=idle, delivered=True, start_date=TUESDAY - days(90))
    assert run(liaison_digests_send, TUESDAY, deliver) == 0  # no daily repeat of old news
    assert run(liaison_digests_send, MONDAY, deliver) == 1
    assert "Sites with no delivered engagement in 60 days (1)" in mail.outbox[0].body
    assert str(idle.jurisdiction) in mail.outbox[0].body


def test_a_site_is_reported_on_the_day_it_becomes_idle(liaison, deliver):
    site = SiteFactory(liaison=liaison, start_date=datetime.date(2025, 1, 6))
    # Last delivery ended 61 days before: today is its first idle day.
    EngagementFactory(site=site, delivered=True, start_date=TUESDAY - days(61))
    assert run(liaison_digests_send, TUESDAY, deliver) == 1
    assert run(liaison_digests_send, TUESDAY + days(1), deliver) == 0


def test_liaison_digest_is_sent_once_a_day_and_respects_off(busy_site, liaison, deliver):
    follow_up(busy_site, TUESDAY)
    assert run(liaison_digests_send, TUESDAY, deliver) == 1
    assert run(liaison_digests_send, TUESDAY, deliver, hour=7) == 0
    assert run(liaison_digests_send, TUESDAY + days(1), deliver) == 1  # overdue: tomorrow again
    preference_set(user=liaison, kind="liaison_digest", delivery="off")
    assert run(liaison_digests_send, TUESDAY + days(2), deliver) == 0
    assert len(mail.outbox) == 2


def test_admin_digest_reports_the_week(program_admin, liaison, deliver):
    with time_machine.travel(at(MONDAY - days(3)), tick=False):
        new = ApplicationFactory(submitted=True)
    with time_machine.travel(at(MONDAY - days(20)), tick=False):
        old = ApplicationFactory(submitted=True)
    from reviews.services import decision_record
    from tests.conftest import make_staff

    official = make_staff("Selecting official")
    decision_record(application=old, outcome="selected", rationale="Strong.", actor=official)
    Report.objects.create(
        kind="program_report", status=Report.Status.FAILED, error="Boom", finished_at=at(MONDAY - days(1))
    )  # fmt: skip
    idle = SiteFactory(liaison=liaison, start_date=datetime.date(2025, 1, 6))
    assert run(admin_digests_send, MONDAY, deliver, hour=7) == 1
    message = mail.outbox[0]
    assert message.to == [program_admin.email]
    assert message.subject.startswith(
        "[PSP Portal] Program week of June 8: 1 new SOIs, 1 decisions"
    )
    body = message.body
    assert (
        new.reference_number in body and old.reference_number in body
    )  # new SOI; pending decision
    assert "Boom" in body
    assert str(idle.jurisdiction) in body
    assert run(admin_digests_send, MONDAY, deliver, hour=8) == 0  # once per week's run


def test_no_admin_digest_in_a_quiet_week(program_admin, deliver):
    assert run(admin_digests_send, MONDAY, deliver, hour=7) == 0
    assert mail.outbox == []


def test_reviewer_not_assigned_anything_gets_no_mail(reviewer, deliver):
    ReviewAssignmentFactory(due_date=TUESDAY)  # someone else's
    from notifications.schedules import reviewer_digests_send

    run(reviewer_digests_send, MONDAY, deliver, hour=7)
    assert reviewer.email not in [m.to[0] for m in mail.outbox]
