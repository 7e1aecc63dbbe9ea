"""Query budgets of the review pages (issue 8: at most 15 a page, not growing with data)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from reviews.models import Review
from reviews.views.slate import SLATE_PAGE_SIZE
from tests.conftest import make_staff
from tests.factories import ApplicationFactory, SiteFactory
from tests.reviews.factories import DecisionFactory, ReviewFactory, assign

pytestmark = pytest.mark.django_db

BUDGET = 15


def _count(client, url) -> int:
    client.get(url)  # warm the session and permission caches like any later request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_review_page_queries_do_not_grow_with_reviews_and_decisions(
    client, selecting_official, soi, cycle
):
    url = reverse("reviews:application", args=[soi.pk])
    client.force_login(selecting_official)
    first = make_staff(roles.REVIEWER)
    ReviewFactory(assignment=assign(soi, first), submitted=True)
    few = _count(client, url)
    for _ in range(3):
        ReviewFactory(assignment=assign(soi, make_staff(roles.REVIEWER)), submitted=True)
    # A reopened review names who reopened it; a reversed decision names who reversed it.
    Review.objects.filter(assignment__application=soi).update(
        reopened_by=selecting_official, reopened_at=timezone.now(), reopen_reason="Recheck"
    )
    DecisionFactory(
        application=soi,
        decided_by=selecting_official,
        reversed_by=selecting_official,
        reversed_at=timezone.now() - datetime.timedelta(days=1),
        reversal_reason="Wrong cycle",
    )
    # A selection names the site it made (its jurisdiction's name).
    site = SiteFactory(jurisdiction=soi.jurisdiction)
    DecisionFactory(application=soi, decided_by=selecting_official, outcome="selected", site=site)
    response = client.get(url)
    assert b"Reversed by" in response.content and b"Reopened by" in response.content
    assert f'Site: <a href="/sites/{site.pk}/">{site}</a>'.encode() in response.content
    many = _count(client, url)
    assert few == many <= BUDGET


def test_review_page_for_an_assigned_reviewer_within_budget(client, reviewer, soi):
    ReviewFactory(assignment=assign(soi, reviewer), submitted=True)
    client.force_login(reviewer)
    assert _count(client, reverse("reviews:application", args=[soi.pk])) <= BUDGET


def test_review_page_rules_read_from_loaded_rows(client, reviewer, other_reviewer, soi):
    """Same rules as reviews.access: a draft reviewer may score, but not see colleagues."""
    assign(soi, reviewer)
    ReviewFactory(assignment=assign(soi, other_reviewer), submitted=True)
    client.force_login(reviewer)
    response = client.get(reverse("reviews:application", args=[soi.pk]))
    assert response.context["can_score"] is True
    assert response.context["see_others"] is False
    assert response.context["reviews"] == []
    undeclared = ApplicationFactory(cycle=soi.cycle, submitted=True)
    assign(undeclared, reviewer, declared=False)
    response = client.get(reverse("reviews:application", args=[undeclared.pk]))
    assert response.status_code == 302
    assert response.url == reverse("reviews:conflict", args=[undeclared.pk])


def test_slate_pages_keep_the_rank_across_pages(client, selecting_official, other_reviewer, cycle):
    """52 scored SOIs and one unscored over several pages: the ranks continue from page to
    page, in the order of the whole-list ranking (average high to low, then reference)."""
    expected = []
    for number in range(52):
        application = ApplicationFactory(cycle=cycle, submitted=True)
        total = number % 26
        scores = [min(5, max(0, total - 5 * i)) for i in range(5)]
        ReviewFactory(
            assignment=assign(application, other_reviewer),
            submitted=True,
            score_severity=scores[0],
            score_leadership=scores[1],
            score_readiness=scores[2],
            score_partnerships=scores[3],
            score_tta_clarity=scores[4],
        )
        expected.append((-total, application.reference_number, application.pk))
    unscored = ApplicationFactory(cycle=cycle, submitted=True)
    expected = [pk for _t, _r, pk in sorted(expected)] + [unscored.pk]
    client.force_login(selecting_official)
    url = reverse("reviews:slate", args=[cycle.pk])
    shown, page_number = [], 1
    while True:
        response = client.get(url, {"page": page_number})
        assert response.context["total"] == 53
        rows = response.context["rows"]
        assert len(rows) <= SLATE_PAGE_SIZE
        html = response.content.decode()
        first_rank = len(shown) + 1
        assert f'<td data-label="Rank">{first_rank}</td>' in html
        assert f'<td data-label="Rank">{first_rank + len(rows) - 1}</td>' in html
        shown += [r.application.pk for r in rows]
        if not response.context["page"].has_next():
            break
        page_number += 1
    assert page_number > 1
    assert shown == expected
    assert rows[-1].average_score is None  # unscored last
    assert f'<td data-label="Rank">{first_rank - 1}</td>' not in html


def test_slate_counts_come_from_aggregates(client, selecting_official, cycle):
    cycle.max_sites = 1
    cycle.save()
    for outcome in ("selected", "selected", "not_selected"):
        DecisionFactory(
            application=ApplicationFactory(cycle=cycle, submitted=True),
            outcome=outcome,
            decided_by=selecting_official,
        )
    DecisionFactory(  # reversed: not counted
        application=ApplicationFactory(cycle=cycle, submitted=True),
        outcome="selected",
        decided_by=selecting_official,
        reversed_at=timezone.now(),
    )
    client.force_login(selecting_official)
    response = client.get(reverse("reviews:slate", args=[cycle.pk]))
    assert response.context["total"] == 4
    assert response.context["selected_count"] == 2
    assert response.context["unreleased_count"] == 3
    assert response.context["over_limit"] is True


@pytest.mark.parametrize("listing", ["queue", "slate"])
def test_the_lists_leave_the_submission_snapshot_unloaded(client, selecting_official, soi, listing):
    # The frozen copy of the whole SOI, made at submission: no list row shows it, nor
    # the queue's box of overdue reviews.
    assert soi.snapshot_sha256
    late = assign(soi, make_staff(roles.REVIEWER))
    late.due_date = datetime.date(2020, 1, 1)
    late.save()
    client.force_login(selecting_official)
    url = (
        reverse("reviews:queue")
        if listing == "queue"
        else reverse("reviews:slate", args=[soi.cycle_id])
    )
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and soi.reference_number in response.content.decode()
    if listing == "queue":
        assert [a.pk for a in response.context["overdue"]] == [late.pk]
    assert not any('"snapshot"' in q["sql"] for q in queries.captured_queries)


def test_the_reviewer_scope_reads_the_assignments_by_reviewer_not_once_per_soi(client, soi):
    # reviews.access.narrow_for_reviewer: a correlated EXISTS over the assignments made
    # SQLite run a subquery for every filed SOI, twice per queue page.
    reviewer = make_staff(roles.REVIEWER)
    assign(soi, reviewer)
    client.force_login(reviewer)
    client.get(reverse("reviews:queue"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200 and soi.reference_number in response.content.decode()
    scoped = [
        q["sql"] for q in queries.captured_queries if '"reviews_reviewassignment"' in q["sql"]
    ]
    assert scoped
    assert not any(
        'EXISTS(SELECT 1 AS "a" FROM "reviews_reviewassignment"' in sql for sql in scoped
    )
