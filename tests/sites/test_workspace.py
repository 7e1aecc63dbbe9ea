import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from accounts import roles
from engagements import stats
from engagements.models import FollowUpAction
from engagements.services import engagement_update
from engagements.stats import workspace_for
from sites.models import Site
from tests.conftest import make_staff
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 9, 15)


def _day(offset):
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def known_data(liaison):
    """Three sites of this liaison, one of someone else, with engagements around TODAY."""
    active = SiteFactory(liaison=liaison, jurisdiction=JurisdictionFactory(name="Amarillo"))
    quiet = SiteFactory(liaison=liaison, jurisdiction=JurisdictionFactory(name="Baltimore"))
    graduated = SiteFactory(
        liaison=liaison,
        phase=Site.Phase.GRADUATED,
        jurisdiction=JurisdictionFactory(name="Cleveland"),
    )
    others = SiteFactory(liaison=make_staff(roles.SITE_LIAISON))

    EngagementFactory(site=active, delivered=True, start_date=_day(-10), title="Recent visit")
    EngagementFactory(site=quiet, delivered=True, start_date=_day(-61), title="Old visit")
    soon = EngagementFactory(site=active, planned=True, start_date=_day(5), title="Soon")
    EngagementFactory(site=quiet, planned=True, start_date=_day(30), title="Edge of window")
    EngagementFactory(site=quiet, planned=True, start_date=_day(31), title="Too far")
    EngagementFactory(site=active, planned=True, start_date=_day(-1), title="Yesterday, not logged")
    EngagementFactory(site=others, planned=True, start_date=_day(3), title="Not mine")
    cancelled = EngagementFactory(
        site=active, cancelled=True, start_date=_day(4), title="Cancelled"
    )

    late = FollowUpAction.objects.create(
        engagement=soon, description="Send MOU", owner="Chief", due_date=_day(-1)
    )
    FollowUpAction.objects.create(
        engagement=soon, description="Done already", owner="Chief", due_date=_day(-5), done=True
    )
    FollowUpAction.objects.create(
        engagement=soon, description="Due today", owner="Chief", due_date=TODAY
    )
    FollowUpAction.objects.create(
        engagement=cancelled, description="Of a cancelled engagement", owner="Chief",
        due_date=_day(-3),
    )  # fmt: skip
    FollowUpAction.objects.create(
        engagement=EngagementFactory(site=others), description="Other liaison's",
        owner="X", due_date=_day(-9),
    )  # fmt: skip
    return {"active": active, "quiet": quiet, "graduated": graduated, "late": late}


def test_workspace_lists_are_right_on_known_data(liaison, known_data):
    space = workspace_for(liaison, today=TODAY)
    assert [s.jurisdiction.name for s in space["my_sites"]] == [
        "Amarillo",
        "Baltimore",
        "Cleveland",
    ]
    assert [e.title for e in space["upcoming"]] == ["Soon", "Edge of window"]
    assert space["overdue"] == [known_data["late"]]
    # Baltimore's last delivery was 61 days ago; Cleveland graduated, so it is not chased.
    assert [s.jurisdiction.name for s in space["quiet"]] == ["Baltimore"]
    amarillo = space["my_sites"][0]
    assert amarillo.last_engagement_on == _day(-10)
    assert amarillo.engagements_this_year == 1


def test_workspace_cut_lists_count_the_same_rows(liaison, known_data, monkeypatch):
    # One row a list, and no list counted from the rows read: the quiet sites come from
    # their own query and every total from the counts query.
    monkeypatch.setattr(stats, "WORKSPACE_COUNTED_FROM_ROWS", 0)
    space = workspace_for(liaison, today=TODAY, limit=1)
    assert [s.jurisdiction.name for s in space["my_sites"]] == ["Amarillo"]
    assert [s.jurisdiction.name for s in space["quiet"]] == ["Baltimore"]
    assert [e.title for e in space["upcoming"]] == ["Soon"]
    assert space["overdue"] == [known_data["late"]]
    assert space["counts"] == {"my_sites": 3, "upcoming": 2, "overdue": 1, "quiet": 1}
    assert space["more"] == {"my_sites": 2, "upcoming": 1, "overdue": 0, "quiet": 0}


def test_workspace_page_for_liaison(client, liaison, known_data):
    client.force_login(liaison)
    response = client.get(reverse("sites:workspace"))
    assert response.status_code == 200
    assert b"Amarillo" in response.content
    assert b"Not mine" not in response.content


@pytest.mark.parametrize("role", ["reviewer", "applicant"])
def test_workspace_refused_to_non_liaisons(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("sites:workspace")).status_code == 403


@pytest.mark.parametrize("count", [10, 200])
def test_workspace_query_count_does_not_grow(client, liaison, django_assert_max_num_queries, count):
    for site in SiteFactory.create_batch(count, liaison=liaison):
        engagement = EngagementFactory(site=site, planned=True, start_date=datetime.date.today())
        FollowUpAction.objects.create(
            engagement=engagement, description="x", owner="y", due_date=datetime.date(2020, 1, 1)
        )
    client.force_login(liaison)
    client.get(reverse("sites:workspace"))
    # Session, user, two for permissions; the sites (the quiet ones among them), the
    # planned engagements, the overdue ids and the rows of the first 25, whose lengths
    # are the totals; the outcomes panel.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("sites:workspace"))
    assert len(response.context["my_sites"]) == min(count, 25)
    assert len(response.context["overdue"]) == min(count, 25)
    assert response.context["counts"]["my_sites"] == count
    assert response.context["counts"]["overdue"] == count
    assert response.context["counts"]["upcoming"] == count
    assert response.context["more"]["overdue"] == max(count - 25, 0)
    if count > 25:
        assert b"overdue=true" in response.content


def test_a_follow_up_records_its_engagements_site(liaison, known_data):
    """The workspace finds a liaison's overdue actions by the action's own site: every way
    an action is written must give it its engagement's."""
    actions = FollowUpAction.objects.values_list("site", "engagement__site")
    assert actions.count() == 5
    assert all(mine == engagement for mine, engagement in actions)
    engagement = EngagementFactory(site=known_data["quiet"])
    engagement_update(
        engagement=engagement,
        actor=liaison,
        follow_ups=[(None, {"description": "Call back", "owner": "Chief", "due_date": TODAY})],
    )
    assert FollowUpAction.objects.get(description="Call back").site == known_data["quiet"]

    # Rows written before the column existed: the migration fills it in the same way.
    FollowUpAction.objects.update(site=SiteFactory())
    migration = importlib.import_module("engagements.migrations.0008_follow_up_site")
    migration.backfill(apps, None)
    assert all(mine == engagement for mine, engagement in actions)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan (CI runs it)")
def test_overdue_follow_ups_are_read_site_by_site_from_the_index(liaison, known_data):
    # Other liaisons, with most of the program's overdue actions, as at size.
    others = [SiteFactory(liaison=make_staff(roles.SITE_LIAISON)) for _ in range(40)]
    engagements = [EngagementFactory(site=site) for site in others]
    FollowUpAction.objects.bulk_create(
        FollowUpAction(engagement=e, site_id=e.site_id, description="x", owner="y",
                       due_date=_day(-n - 1))
        for e in engagements for n in range(25)
    )  # fmt: skip
    queryset = stats.overdue_follow_ups(liaison, today=TODAY).values_list("pk", flat=True)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for table in ("sites_site", "engagements_engagement", "engagements_followupaction"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few hundred rows still
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    # Neither every open follow-up of the program (by due date) nor the liaison's
    # engagements are read row by row.
    assert "Index Only Scan using followup_open_site_idx" in text
    assert "followup_open_due_idx" not in text
    assert list(queryset) == [known_data["late"].pk]
