"""Each endpoint runs a fixed number of queries, whatever the number of rows.

A token request costs: the token with its user, the use-log insert and the user's
permissions (one query, accounts.permissions.load_permissions); the last-used time is written at
most once a minute.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import FollowUpAction
from reports.models import Report
from sites.models import SiteFocusArea, TeamMember
from tests.api.conftest import bearer, make_token
from tests.factories import ApplicationFactory, CycleFactory, EngagementFactory, SiteFactory
from tests.outcomes.helpers import national_rates, verified
from tests.reviews.factories import ReviewFactory, assign

pytestmark = pytest.mark.django_db


def _count(client, url, raw):
    client.get(url, **bearer(raw))  # the first use writes "last used"; later ones need not
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **bearer(raw))
    assert response.status_code == 200, response.content
    return len(queries)


def _add_sites(n):
    for _ in range(n):
        site = SiteFactory()
        SiteFocusArea.objects.create(site=site, focus_area="gun_violence")
        engagement = EngagementFactory(site=site)
        FollowUpAction.objects.create(
            engagement=engagement, description="x", owner="y", due_date="2025-01-01"
        )
        for year in (2021, 2022, 2023, 2024):
            verified(site, year, 1000 + year)


def _add_sois(n, reviewer, cycle):
    for _ in range(n):
        soi = ApplicationFactory(cycle=cycle, submitted=True)
        ReviewFactory(assignment=assign(soi, reviewer), submitted=True)


# Fixed budgets per endpoint (list and detail), with a token.
# Token requests: 3 for the token (lookup, use log, permissions) plus the endpoint's
# own. SOIs: the SOI (with its decision in force) and the assignments with their reviews
# (api.endpoints.with_soi_data), screening from the cached summaries: 5. SOIs not cached
# yet add the 5 relations screening reads (see the cold test below): 10, issue 18's budget.
# Outcomes: the rows, every year of their sites (the baseline) and the national rates.
LIST_QUERIES = {"site": 5, "engagement": 4, "follow-up": 4, "soi": 5, "report": 4, "cycle": 4,
                "national-rate": 4, "outcome": 6}  # fmt: skip
# Site: + phases and team roster; engagement: + its follow-ups.
DETAIL_QUERIES = {**LIST_QUERIES, "site": 7, "engagement": 5}


@pytest.mark.parametrize("endpoint", list(LIST_QUERIES))
def test_list_queries_do_not_grow_with_rows(client, program_admin, reviewer, endpoint):
    _, raw = make_token(program_admin)
    cycle = CycleFactory()
    national_rates()
    url = reverse(f"api:{endpoint}-list")

    def grow(n):
        _add_sites(n)
        _add_sois(n, reviewer, cycle)
        for _ in range(n):
            Report.objects.create(kind="program_report", requested_by=program_admin)
            CycleFactory()

    grow(2)
    few = _count(client, url, raw)
    grow(6)
    many = _count(client, url, raw)
    assert few == many == LIST_QUERIES[endpoint]


@pytest.mark.parametrize("endpoint", list(LIST_QUERIES))
def test_detail_queries_are_fixed(client, program_admin, reviewer, endpoint):
    _, raw = make_token(program_admin)
    _add_sites(1)
    cycle = CycleFactory()
    _add_sois(1, reviewer, cycle)
    report = Report.objects.create(kind="program_report", requested_by=program_admin)
    site = SiteFactory()
    TeamMember.objects.bulk_create(
        [TeamMember(site=site, role="fbi", name=f"Agent {i}") for i in range(5)]
    )
    objects = {
        "site": site,
        "engagement": EngagementFactory(site=site),
        "follow-up": FollowUpAction.objects.first(),
        "soi": cycle.applications.first(),
        "report": report,
        "cycle": cycle,
        "national-rate": cycle.national_rate,
        "outcome": site.outcome_years.first() or verified(site, 2023, 1000),
    }
    url = reverse(f"api:{endpoint}-detail", args=[objects[endpoint].pk])
    assert _count(client, url, raw) == DETAIL_QUERIES[endpoint]


def test_soi_list_screens_uncached_sois_in_five_more_queries_for_any_number(
    client, program_admin, reviewer
):
    from django.core.cache import caches

    _, raw = make_token(program_admin)
    cycle = CycleFactory()
    url = reverse("api:soi-list")
    client.get(url, **bearer(raw))  # the first use writes "last used"
    counts = []
    for n in (2, 6):
        _add_sois(n, reviewer, cycle)
        caches["screening"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, **bearer(raw)).status_code == 200
        counts.append(len(queries))
    assert counts == [10, 10]


def test_soi_list_leaves_the_submission_snapshot_unloaded(client, program_admin, reviewer):
    # The frozen SOI copy is the widest column; the list shows nothing from it.
    _, raw = make_token(program_admin)
    _add_sois(2, reviewer, CycleFactory())
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("api:soi-list"), **bearer(raw))
    assert queries.captured_queries
    assert not any('"snapshot"' in q["sql"] for q in queries.captured_queries)


def test_follow_ups_are_listed_in_id_order_which_an_index_serves(client, program_admin):
    _, raw = make_token(program_admin)
    engagement = EngagementFactory()
    made = [
        FollowUpAction.objects.create(
            engagement=engagement, description="x", owner="y", due_date=f"2025-0{9 - i}-01"
        )
        for i in range(3)
    ]
    rows = client.get(reverse("api:follow-up-list"), **bearer(raw)).json()["results"]
    assert [row["id"] for row in rows] == [f.pk for f in made]
