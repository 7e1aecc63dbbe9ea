"""Issue 21: engagements composes the pages under /sites/ that show engagement figures,
and the engagement page offers only the actions Engagement.TRANSITIONS allows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import resolve, reverse

from accounts import roles
from engagements import site_pages
from engagements.access import can_log_for, sites_loggable_by
from engagements.models import Engagement
from engagements.stats import totals_by_type
from psp_portal.links import url_from_ids
from tests.conftest import make_staff
from tests.factories import EngagementFactory, SiteFactory

pytestmark = pytest.mark.django_db

# --- the site pages keep their URLs and names -----------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "path", "view"),
    [
        ("sites:detail", [7], "/sites/7/", site_pages.site_detail),
        ("sites:workspace", [], "/sites/workspace/", site_pages.workspace),
        ("sites:program", [], "/sites/program/", site_pages.program_view),
    ],
)
def test_site_pages_keep_their_paths_and_names(name, args, path, view):
    assert reverse(name, args=args) == path
    match = resolve(path)
    assert match.func is view
    assert match.view_name == name


@pytest.mark.parametrize(
    ("name", "ids"),
    [("sites:detail", [7]), ("engagements:create", [12]), ("engagements:follow_up_done", [3, 45])],
)
def test_workspace_row_links_are_what_reverse_gives(name, ids):
    # The workspace reverses each URL once and puts the row's ids into it.
    assert url_from_ids(name, ids=len(ids))(*ids) == reverse(name, args=ids)


# --- can_log_for is the rule of sites_loggable_by, without a query ----------------------


@pytest.mark.parametrize(
    "role", ["liaison", "program_admin", "reviewer", "selecting_official", "applicant"]
)
def test_can_log_for_agrees_with_sites_loggable_by(request, role, django_assert_num_queries):
    user = request.getfixturevalue(role)
    other_liaison = make_staff(roles.SITE_LIAISON)
    sites = [SiteFactory(liaison=user if role == "liaison" else None),
             SiteFactory(liaison=other_liaison), SiteFactory()]  # fmt: skip
    loggable = set(sites_loggable_by(user).values_list("pk", flat=True))
    user.has_perm("engagements.log_engagement")  # warm the permission cache
    with django_assert_num_queries(0):
        decided = {site.pk for site in sites if can_log_for(user, site)}
    assert decided == loggable & {site.pk for site in sites}
    expected = {"liaison": {sites[0].pk}, "program_admin": {s.pk for s in sites}}
    assert decided == expected.get(role, set())


# --- the engagement page's actions come from the model ----------------------------------


def _action_links(content: str, engagement) -> dict[str, bool]:
    return {
        name: reverse(f"engagements:{name}", args=[engagement.pk]) in content
        for name in ("edit", "deliver", "cancel")
    }


@pytest.mark.parametrize(
    ("trait", "expected"),
    [
        ("planned", {"edit": True, "deliver": True, "cancel": True}),
        ("delivered", {"edit": True, "deliver": False, "cancel": False}),
        ("cancelled", {"edit": False, "deliver": False, "cancel": False}),
    ],
)
def test_engagement_page_offers_the_actions_its_status_allows(client, liaison, trait, expected):
    engagement = EngagementFactory(site=SiteFactory(liaison=liaison), **{trait: True})
    client.force_login(liaison)
    response = client.get(reverse("engagements:detail", args=[engagement.pk]))
    assert _action_links(response.content.decode(), engagement) == expected
    assert response.context["actions"] == expected


def test_engagement_page_follows_transitions_not_the_template(client, liaison, monkeypatch):
    # Were a delivered engagement allowed to be cancelled, the page would offer it.
    engagement = EngagementFactory(site=SiteFactory(liaison=liaison), delivered=True)
    monkeypatch.setattr(
        Engagement,
        "TRANSITIONS",
        {**Engagement.TRANSITIONS, Engagement.Status.DELIVERED: {Engagement.Status.CANCELLED}},
    )
    client.force_login(liaison)
    response = client.get(reverse("engagements:detail", args=[engagement.pk]))
    assert _action_links(response.content.decode(), engagement)["cancel"] is True


def test_engagement_page_offers_no_action_to_readers_who_cannot_log(client, reviewer):
    engagement = EngagementFactory(planned=True)
    client.force_login(reviewer)
    response = client.get(reverse("engagements:detail", args=[engagement.pk]))
    assert response.status_code == 200
    assert not any(_action_links(response.content.decode(), engagement).values())
    assert response.context["actions"] == {}


def test_engagement_page_runs_a_fixed_number_of_queries(
    client, liaison, django_assert_max_num_queries
):
    engagement = EngagementFactory(site=SiteFactory(liaison=liaison), planned=True)
    client.force_login(liaison)
    client.get(reverse("engagements:detail", args=[engagement.pk]))  # warm caches
    # Measured 7 (session, user, permissions, engagement, follow-ups, attachments, ...):
    # deciding the actions on the loaded site costs no query.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("engagements:detail", args=[engagement.pk])).status_code == 200


# --- one "by type" aggregation ------------------------------------------------------------


def test_totals_by_type_counts_the_given_rows_in_type_order(django_assert_num_queries):
    site = SiteFactory()
    day = datetime.date(2025, 3, 3)
    EngagementFactory(site=site, delivered=True, type=Engagement.Type.TRAINING,
                      hours=Decimal("4"), participants=10, start_date=day, end_date=day)  # fmt: skip
    later = day + datetime.timedelta(days=30)  # an ordering by date must not split a type
    EngagementFactory(site=site, delivered=True, type=Engagement.Type.TRAINING,
                      hours=None, participants=5, start_date=later, end_date=later)  # fmt: skip
    EngagementFactory(site=site, delivered=True, type=Engagement.Type.ASSESSMENT,
                      hours=Decimal("2.5"), participants=None, start_date=day, end_date=day)  # fmt: skip
    EngagementFactory(site=site, planned=True, type=Engagement.Type.WEBINAR)
    EngagementFactory(delivered=True, type=Engagement.Type.WEBINAR)  # another site
    rows = Engagement.objects.filter(site=site, status=Engagement.Status.DELIVERED)
    with django_assert_num_queries(1):
        totals = totals_by_type(rows.order_by("-start_date"))
    assert totals == [
        {"label": "Assessment", "count": 1, "hours": Decimal("2.5"), "participants": 0},
        {"label": "Training", "count": 2, "hours": Decimal("4"), "participants": 15},
    ]
