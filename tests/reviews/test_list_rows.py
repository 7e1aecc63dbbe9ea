"""The list pages' rows (assignments read as summaries, one query) say what the review
page's row (assignments and reviews as model instances) says of the same SOI."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from applications.models import Application
from reviews.access import can_see_other_scores
from reviews.selectors import (
    AssignmentSummary,
    detail_row,
    list_rows,
    with_list_data,
    with_review_detail,
)
from tests.conftest import make_staff
from tests.factories import ApplicationFactory
from tests.reviews.factories import DecisionFactory, ReviewFactory, assign

pytestmark = pytest.mark.django_db


def both_rows(soi, user):
    listed = list_rows(with_list_data(Application.objects.filter(pk=soi.pk)), user)[0]
    detailed = detail_row(with_review_detail(Application.objects.filter(pk=soi.pk)).get(), user)
    return listed, detailed


def what_a_row_says(row, user):
    return {
        "assigned": len(row.assignments),
        "reviewers": [a.reviewer_id for a in row.assignments],
        "submitted": row.review_count,
        "average": row.average_score,
        "status": row.status_label,
        "mine": row.my_assignment is not None,
        "my_review": row.my_review.get_status_display() if row.my_review else None,
        "scores_visible": can_see_other_scores(user, row.application, assignment=row.my_assignment),
    }


@pytest.mark.parametrize("mine", ["draft", "submitted", "not started", "not assigned"])
def test_list_and_review_page_rows_agree(soi, reviewer, other_reviewer, mine):
    ReviewFactory(assignment=assign(soi, other_reviewer), submitted=True, score_severity=5)
    third = make_staff(roles.REVIEWER)
    ReviewFactory(assignment=assign(soi, third))  # a draft: not counted
    if mine != "not assigned":
        assignment = assign(soi, reviewer)
        if mine != "not started":
            ReviewFactory(assignment=assignment, submitted=mine == "submitted")

    listed, detailed = both_rows(soi, reviewer)

    assert all(isinstance(a, AssignmentSummary) for a in listed.assignments)
    assert what_a_row_says(listed, reviewer) == what_a_row_says(detailed, reviewer)
    expected_mine = {"draft": "Draft", "submitted": "Submitted"}.get(mine)
    assert what_a_row_says(listed, reviewer)["my_review"] == expected_mine


def test_the_queue_shows_the_callers_own_review(client, soi, reviewer, other_reviewer):
    ReviewFactory(assignment=assign(soi, other_reviewer), submitted=True)
    ReviewFactory(assignment=assign(soi, reviewer))
    client.force_login(reviewer)
    html = client.get(reverse("reviews:queue")).content.decode()
    assert "1 of 2" in html
    assert "My review: Draft" in html


def test_a_reversed_decision_is_not_the_one_in_force_on_the_lists(
    client, cycle, selecting_official
):
    decided = ApplicationFactory(cycle=cycle, submitted=True)
    ApplicationFactory(cycle=cycle, submitted=True)  # no decision
    DecisionFactory(
        application=decided,
        decided_by=selecting_official,
        reversed_by=selecting_official,
        reversed_at=timezone.now() - datetime.timedelta(days=1),
        reversal_reason="Wrong cycle",
    )
    in_force = DecisionFactory(
        application=decided, decided_by=selecting_official, outcome="selected"
    )

    loaded = with_list_data(Application.objects.filter(cycle=cycle))
    assert loaded.count() == 2  # the join with the decisions adds no row
    rows = {row.application.pk: row for row in list_rows(loaded, selecting_official)}
    assert len(rows) == 2
    assert rows[decided.pk].decision.pk == in_force.pk
    assert rows[decided.pk].status_label == "Decided (not released)"
    client.force_login(selecting_official)
    response = client.get(reverse("reviews:queue"))
    assert [row.application.pk for row in response.context["page"]].count(decided.pk) == 1
