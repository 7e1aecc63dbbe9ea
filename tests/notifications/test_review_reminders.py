"""Reviewer due dates: set at assignment, reminders 3 days before and on the day, the weekly
digest, and overdue reviews on the official's queue."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from notifications.models import SentReminder
from notifications.schedules import (
    review_due_reminders_send,
    reviewer_digests_send,
)
from notifications.services import preference_set
from reviews.models import ReviewAssignment
from reviews.services import review_due_default, reviewer_assign
from tests.conftest import make_staff
from tests.factories import ApplicationFactory, CycleFactory
from tests.reviews.factories import (
    ConflictDeclarationFactory,
    DecisionFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

ET = ZoneInfo("America/New_York")
DUE = datetime.date(2026, 5, 13)  # a Wednesday


def at(day: datetime.date, hour=8):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ET)


@pytest.fixture
def assignment(reviewer):
    return ReviewAssignmentFactory(reviewer=reviewer, due_date=DUE)


def run_at(moment, deliver, fn=review_due_reminders_send):
    with time_machine.travel(moment, tick=False), deliver():
        return fn()


@pytest.mark.parametrize(
    "day, sent, when",
    [
        (DUE - datetime.timedelta(days=3), 1, "in 3 days"),
        (DUE, 1, "today"),
        (DUE - datetime.timedelta(days=4), 0, None),
        (DUE - datetime.timedelta(days=1), 0, None),
        (DUE + datetime.timedelta(days=1), 0, None),
    ],
)
def test_reminders_come_3_days_before_and_on_the_day(assignment, deliver, day, sent, when):
    assert run_at(at(day), deliver) == sent
    assert len(mail.outbox) == sent
    if sent:
        assert mail.outbox[0].subject.startswith(f"[PSP Portal] Review due {when}:")
        assert f"/review/soi/{assignment.application.pk}/" in mail.outbox[0].body


def test_a_second_run_sends_no_second_reminder(assignment, deliver):
    run_at(at(DUE), deliver)
    run_at(at(DUE, hour=9), deliver)
    assert len(mail.outbox) == 1
    assert SentReminder.objects.get().subject_key == f"assignment:{assignment.pk}"


def test_a_submitted_review_is_not_reminded(assignment, deliver):
    ReviewFactory(assignment=assignment, submitted=True)
    assert run_at(at(DUE), deliver) == 0


def test_a_conflicted_reviewer_is_not_reminded(assignment, deliver):
    ConflictDeclarationFactory(
        application=assignment.application, reviewer=assignment.reviewer, has_conflict=True
    )
    assert run_at(at(DUE), deliver) == 0


def test_a_reviewer_who_chose_the_digest_gets_no_separate_reminder(assignment, deliver):
    preference_set(user=assignment.reviewer, kind="review_due", delivery="digest")
    assert run_at(at(DUE), deliver) == 0


def test_weekly_digest_lists_open_reviews_soonest_first_with_overdue_flagged(reviewer, deliver):
    late = ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 8))
    soon = ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 20))
    done = ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 15))
    ReviewFactory(assignment=done, submitted=True)
    monday = datetime.date(2026, 5, 11)
    assert run_at(at(monday, 7), deliver, reviewer_digests_send) == 1
    message = mail.outbox[0]
    assert message.subject == "[PSP Portal] Your reviews this week: 2 open, 1 overdue"
    body = message.body
    assert body.index(late.application.reference_number) < body.index(
        soon.application.reference_number
    )
    assert "(OVERDUE)" in body and done.application.reference_number not in body
    # Twice on the same Monday: once.
    assert run_at(at(monday, 8), deliver, reviewer_digests_send) == 0


def test_no_digest_for_a_reviewer_with_nothing_open(reviewer, deliver):
    done = ReviewAssignmentFactory(reviewer=reviewer, due_date=DUE)
    ReviewFactory(assignment=done, submitted=True)
    assert run_at(at(datetime.date(2026, 5, 11), 7), deliver, reviewer_digests_send) == 0


# --- due dates at assignment -----------------------------------------------------------------


@pytest.fixture
def submitted_soi(db):
    with time_machine.travel(at(datetime.date(2026, 3, 1)), tick=False):
        cycle = CycleFactory(
            opens_at=at(datetime.date(2026, 2, 1)), closes_at=at(datetime.date(2026, 4, 18), 23)
        )
        return ApplicationFactory(cycle=cycle, submitted=True)


def test_assignment_defaults_its_due_date_from_the_cycle(submitted_soi, selecting_official):
    reviewer = make_staff(roles.REVIEWER)
    with time_machine.travel(at(datetime.date(2026, 4, 20)), tick=False):
        assignment = reviewer_assign(
            application=submitted_soi, reviewer=reviewer, actor=selecting_official
        )
    # Three weeks after the April 18 close.
    assert assignment.due_date == datetime.date(2026, 5, 9)
    # Assigned late, a reviewer still gets two weeks.
    with time_machine.travel(at(datetime.date(2026, 5, 5)), tick=False):
        assert review_due_default(submitted_soi.cycle) == datetime.date(2026, 5, 19)


def test_the_official_sets_a_due_date_and_the_reviewer_is_told(
    client, submitted_soi, selecting_official, deliver
):
    reviewer = make_staff(roles.REVIEWER)
    client.force_login(selecting_official)
    with time_machine.travel(at(datetime.date(2026, 4, 20)), tick=True), deliver():
        page = client.get(reverse("reviews:assign", args=[submitted_soi.pk]))
        assert page.context["form"]["due_date"].value() == datetime.date(2026, 5, 9)
        response = client.post(
            reverse("reviews:assign", args=[submitted_soi.pk]),
            {"reviewers": [reviewer.pk], "due_date": "2026-05-01"},
        )
    assert response.status_code == 302
    assignment = ReviewAssignment.objects.get(reviewer=reviewer)
    assert assignment.due_date == datetime.date(2026, 5, 1)
    assert assignment.history.latest().history_user == selecting_official
    assert [m.to[0] for m in mail.outbox] == [reviewer.email]
    assert "due Friday, May 1, 2026" in mail.outbox[0].body


def test_a_past_due_date_is_refused_beside_the_field(client, submitted_soi, selecting_official):
    reviewer = make_staff(roles.REVIEWER)
    client.force_login(selecting_official)
    with time_machine.travel(at(datetime.date(2026, 4, 20)), tick=True):
        response = client.post(
            reverse("reviews:assign", args=[submitted_soi.pk]),
            {"reviewers": [reviewer.pk], "due_date": "2026-04-01"},
        )
    assert response.status_code == 200
    assert "Choose today or a later date." in response.context["form"].errors["due_date"]
    assert not ReviewAssignment.objects.exists()


def test_a_reviewer_who_chose_the_digest_is_not_mailed_at_assignment(
    submitted_soi, selecting_official, deliver
):
    reviewer = make_staff(roles.REVIEWER)
    preference_set(user=reviewer, kind="review_assigned", delivery="digest")
    with time_machine.travel(at(datetime.date(2026, 4, 20)), tick=False), deliver():
        reviewer_assign(application=submitted_soi, reviewer=reviewer, actor=selecting_official)
    assert mail.outbox == []


# --- overdue reviews on the queue --------------------------------------------------------------


def test_the_official_sees_overdue_reviews_on_the_queue(client, selecting_official, reviewer):
    late = ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 8))
    on_time = ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 20))
    client.force_login(selecting_official)
    with time_machine.travel(at(datetime.date(2026, 5, 11)), tick=True):
        response = client.get(reverse("reviews:queue"))
    assert [a.pk for a in response.context["overdue"]] == [late.pk]
    html = response.content.decode()
    assert "Overdue reviews" in html and "due May 8, 2026" in html
    assert on_time.pk not in [a.pk for a in response.context["overdue"]]


def test_the_overdue_list_names_each_jurisdiction_in_a_fixed_number_of_queries(
    client, selecting_official, reviewer
):
    def visit():
        client.get(reverse("reviews:queue"))  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reviews:queue"))
        return response, len(queries.captured_queries)

    client.force_login(selecting_official)
    with time_machine.travel(at(datetime.date(2026, 5, 11)), tick=True):
        ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 8))
        _, one = visit()
        late = ReviewAssignmentFactory.create_batch(
            4, reviewer=reviewer, due_date=datetime.date(2026, 5, 9)
        )
        response, five = visit()
    assert one == five
    html = response.content.decode()
    for assignment in late:
        assert f"{assignment.application.jurisdiction.name}: {reviewer}" in html


def test_a_reviewer_does_not_get_the_overdue_panel(client, reviewer):
    ReviewAssignmentFactory(reviewer=reviewer, due_date=datetime.date(2026, 5, 8))
    client.force_login(reviewer)
    with time_machine.travel(at(datetime.date(2026, 5, 11)), tick=True):
        response = client.get(reverse("reviews:queue"))
    assert response.context["overdue"] == []
    assert "Overdue reviews" not in response.content.decode()


# --- across daylight-saving changes ---------------------------------------------------------


@pytest.mark.parametrize(
    "due, reminder_days",
    [
        # Spring forward, Sunday March 8, 2026: reminded Thursday (EST) and Sunday (EDT).
        (datetime.date(2026, 3, 8), [datetime.date(2026, 3, 5), datetime.date(2026, 3, 8)]),
        # Fall back, Sunday November 1, 2026: reminded Thursday (EDT) and Sunday (EST).
        (datetime.date(2026, 11, 1), [datetime.date(2026, 10, 29), datetime.date(2026, 11, 1)]),
    ],
)
def test_due_reminders_fall_on_the_right_days_across_daylight_saving(
    reviewer, deliver, due, reminder_days
):
    ReviewAssignmentFactory(reviewer=reviewer, due_date=due)
    sent_on = []
    day = due - datetime.timedelta(days=5)
    while day <= due + datetime.timedelta(days=1):
        # Beat's 8 a.m. run, and a late-evening one when the UTC date is already tomorrow.
        for hour in (8, 22):
            if run_at(at(day, hour), deliver):
                sent_on.append(day)
        day += datetime.timedelta(days=1)
    assert sent_on == reminder_days


def test_the_queue_box_lists_what_overdue_assignments_finds_with_its_sql_built_once(
    selecting_official, reviewer, monkeypatch
):
    """notifications.schedules.overdue_reviews runs overdue_assignments' SQL, built once
    per process, with the day of each call."""
    from notifications import schedules

    others = [make_staff(roles.REVIEWER) for _ in range(3)]
    due = [datetime.date(2026, 5, day) for day in (4, 6, 8, 9, 12)]
    shown = [ReviewAssignmentFactory(reviewer=reviewer, due_date=day) for day in due]
    # Left out by overdue_assignments' own rules: a submitted review, a conflict, a
    # decision in force, an inactive reviewer.
    ReviewFactory(assignment=ReviewAssignmentFactory(reviewer=others[0], due_date=due[0]),
                  submitted=True)  # fmt: skip
    conflicted = ReviewAssignmentFactory(reviewer=others[1], due_date=due[0])
    ConflictDeclarationFactory(application=conflicted.application, reviewer=others[1],
                               has_conflict=True)  # fmt: skip
    decided = ReviewAssignmentFactory(reviewer=others[2], due_date=due[0])
    DecisionFactory(application=decided.application, decided_by=selecting_official)
    ReviewAssignmentFactory(reviewer=make_staff(roles.REVIEWER, is_active=False), due_date=due[0])
    schedules._OVERDUE_SQL.clear()

    def both(day):
        expected = [
            (a.pk, a.application_id, a.application.reference_number,
             a.application.jurisdiction.name, str(a.reviewer), a.due_date)
            for a in schedules.overdue_assignments(today=day)[:4]
        ]  # fmt: skip
        return [tuple(row) for row in schedules.overdue_reviews(limit=4, today=day)], expected

    first, expected = both(datetime.date(2026, 5, 7))
    assert first == expected and [row[0] for row in first] == [a.pk for a in shown[:2]]
    # Built once: a later call does not build the queryset again, and takes its own day.
    monkeypatch.setattr(schedules, "overdue_assignments", None)
    later = schedules.overdue_reviews(limit=4, today=datetime.date(2026, 5, 13))
    assert [row.pk for row in later] == [a.pk for a in shown[:4]]
    assert later[0].due_date == datetime.date(2026, 5, 4)
    assert schedules.overdue_reviews(limit=4, today=datetime.date(2026, 5, 1)) == []


def test_the_overdue_sql_refuses_a_shape_with_the_day_twice(monkeypatch):
    """The day is swapped into the SQL by position: a query taking it twice would have one
    left at the stand-in day, so it is refused when built rather than run wrong."""
    from notifications import schedules

    def twice(*, today):
        return ReviewAssignment.objects.filter(due_date__lt=today, assigned_at__date__lt=today)

    monkeypatch.setattr(schedules, "overdue_assignments", twice)
    monkeypatch.setattr(schedules, "_OVERDUE_SQL", {})
    with pytest.raises(ValueError, match="one date parameter"):
        schedules.overdue_reviews(limit=5)
