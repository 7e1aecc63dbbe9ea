import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.models import Engagement, FollowUpAction, NarrativeUpdate
from engagements.services import (
    EngagementError,
    engagement_cancel,
    engagement_deliver,
    engagement_log,
    engagement_update,
    half_year_figures,
    narrative_save,
    tracking_number_next,
)
from tests.factories import EngagementFactory, SiteFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Crime-gun intelligence training",
    "type": Engagement.Type.TRAINING,
    "focus_areas": ["gun_violence"],
    "provider": "ATF",
    "start_date": datetime.date(2025, 4, 1),
    "end_date": datetime.date(2025, 4, 2),
    "delivery": Engagement.Delivery.ON_SITE,
}


def test_log_gives_a_tracking_number_of_the_day_and_audits(liaison):
    site = SiteFactory(liaison=liaison)
    first = engagement_log(site=site, actor=liaison, **FIELDS)
    second = engagement_log(site=site, actor=liaison, **FIELDS)
    today = timezone.localdate().strftime("%Y%m%d")
    assert re.fullmatch(r"\d{8}-\d{8}", first.tracking_number)
    assert first.tracking_number == f"{today}-00000001"
    assert second.tracking_number == f"{today}-00000002"
    assert first.status == Engagement.Status.PLANNED
    assert first.history.latest().history_user == liaison


def test_tracking_numbers_restart_each_day():
    assert tracking_number_next(datetime.date(2025, 1, 2)) == "20250102-00000001"
    assert tracking_number_next(datetime.date(2025, 1, 2)) == "20250102-00000002"
    assert tracking_number_next(datetime.date(2025, 1, 3)) == "20250103-00000001"


def test_log_saves_follow_up_actions(liaison):
    site = SiteFactory(liaison=liaison)
    engagement = engagement_log(
        site=site,
        actor=liaison,
        follow_ups=[(None, {"description": "Send the NIBIN SOP", "owner": "Lt. Ruiz",
                            "due_date": datetime.date(2025, 5, 1), "done": False})],
        **FIELDS,
    )  # fmt: skip
    action = engagement.follow_ups.get()
    assert action.owner == "Lt. Ruiz"
    assert action.history.latest().history_user == liaison


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": datetime.date(2025, 3, 31)}, "end_date"),
        ({"hours": Decimal("-1")}, "hours"),
        ({"participants": -3}, "participants"),
        ({"focus_areas": ["astrology"]}, "focus_areas"),
    ],
)
def test_log_refuses_bad_figures_with_the_field_named(liaison, change, field):
    site = SiteFactory(liaison=liaison)
    with pytest.raises(ValidationError) as caught:
        engagement_log(site=site, actor=liaison, **{**FIELDS, **change})
    assert field in caught.value.error_dict
    assert not Engagement.objects.exists()


def test_deliver_records_actual_figures(liaison):
    engagement = EngagementFactory(planned=True, site=SiteFactory(liaison=liaison))
    engagement_deliver(
        engagement=engagement,
        actor=liaison,
        start_date=datetime.date(2025, 3, 4),
        end_date=datetime.date(2025, 3, 5),
        hours=Decimal("12.5"),
        participants=31,
        agencies_represented=6,
        outcomes="Unit drafted a shooting-review protocol.",
    )
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.DELIVERED
    assert (engagement.hours, engagement.participants, engagement.agencies_represented) == (
        Decimal("12.5"),
        31,
        6,
    )
    assert engagement.delivered_at is not None
    assert engagement.history.latest().history_user == liaison


def test_deliver_refuses_a_cancelled_engagement(liaison):
    engagement = EngagementFactory(cancelled=True)
    with pytest.raises(EngagementError, match="Only a planned"):
        engagement_deliver(
            engagement=engagement, actor=liaison, start_date=engagement.start_date,
            end_date=engagement.end_date, hours=1, participants=1, agencies_represented=1,
        )  # fmt: skip


def test_deliver_refuses_a_future_engagement(liaison):
    future = timezone.localdate() + datetime.timedelta(days=10)
    engagement = EngagementFactory(planned=True, start_date=future)
    with pytest.raises(EngagementError, match="not started"):
        engagement_deliver(
            engagement=engagement, actor=liaison, start_date=future, end_date=future,
            hours=1, participants=1, agencies_represented=1,
        )  # fmt: skip


def test_cancel_needs_a_reason(liaison):
    engagement = EngagementFactory(planned=True)
    with pytest.raises(EngagementError, match="reason"):
        engagement_cancel(engagement=engagement, actor=liaison, reason="   ")
    engagement_cancel(engagement=engagement, actor=liaison, reason="Chief retired; re-plan.")
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.CANCELLED
    assert engagement.cancellation_reason == "Chief retired; re-plan."


def test_cancel_refuses_a_delivered_engagement(liaison):
    with pytest.raises(EngagementError, match="Only a planned"):
        engagement_cancel(engagement=EngagementFactory(delivered=True), actor=liaison, reason="x")


def test_update_refuses_a_cancelled_engagement(liaison):
    with pytest.raises(EngagementError, match="cancelled"):
        engagement_update(engagement=EngagementFactory(cancelled=True), actor=liaison, title="New")


def test_update_removes_and_adds_follow_ups(liaison):
    engagement = EngagementFactory()
    old = FollowUpAction.objects.create(
        engagement=engagement, description="Old", owner="A", due_date=datetime.date(2025, 1, 1)
    )
    engagement_update(
        engagement=engagement,
        actor=liaison,
        title="Renamed",
        removed_follow_ups=[old],
        follow_ups=[(None, {"description": "New", "owner": "B",
                            "due_date": datetime.date(2025, 2, 1), "done": False})],
    )  # fmt: skip
    engagement.refresh_from_db()
    assert engagement.title == "Renamed"
    assert [a.description for a in engagement.follow_ups.all()] == ["New"]


def test_half_year_figures_count_delivered_in_the_period():
    site = SiteFactory()
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 1, 10), hours=3)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 6, 30), hours=4)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 7, 1), hours=50)
    EngagementFactory(site=site, planned=True, start_date=datetime.date(2025, 2, 1))
    EngagementFactory(site=site, cancelled=True, start_date=datetime.date(2025, 2, 1), hours=9)
    assert half_year_figures(site=site, year=2025, half=1) == {
        "engagements_delivered": 2,
        "hours_delivered": Decimal("7.0"),
    }


def test_narrative_save_prefills_and_rewrites(liaison):
    site = SiteFactory(liaison=liaison)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 2, 1), hours=5)
    update = narrative_save(site=site, year=2025, half=1, narrative="Strong start.", actor=liaison)
    assert (update.engagements_delivered, update.hours_delivered) == (1, Decimal("5.0"))
    narrative_save(
        site=site, year=2025, half=1, narrative="Revised.", engagements_delivered=2, actor=liaison
    )
    update = NarrativeUpdate.objects.get()
    assert (update.narrative, update.engagements_delivered) == ("Revised.", 2)
    assert update.history.latest().history_user == liaison


def test_narrative_refuses_a_future_half(liaison):
    with pytest.raises(EngagementError, match="not begun"):
        narrative_save(
            site=SiteFactory(), year=timezone.localdate().year + 1, half=1, narrative="x",
            actor=liaison,
        )  # fmt: skip
