"""Each SOI's stored average of submitted reviews (reviews.ScoreSummary), which the slate
ranks by: kept in step with every review saved, and rebuilt the same for bulk data."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from accounts import roles
from reviews.models import ScoreSummary
from reviews.scores import score_summaries_rebuild
from reviews.services import review_reopen, review_submit
from tests.conftest import make_staff
from tests.factories import ApplicationFactory, CycleFactory
from tests.reviews.factories import ReviewFactory, assign

pytestmark = pytest.mark.django_db

SCORES = {"severity": 5, "leadership": 5, "readiness": 4, "partnerships": 3, "tta_clarity": 2}


def summaries() -> dict:
    return {s.application_id: (s.average, s.reviews_submitted) for s in ScoreSummary.objects.all()}


def slate_order(client, cycle) -> list[int]:
    rows = client.get(reverse("reviews:slate", args=[cycle.pk])).context["rows"]
    return [row.application.pk for row in rows]


def score_data(**scores) -> dict:
    data = {f"score_{key}": value for key, value in scores.items()}
    data.update({f"comment_{key}": "Reason." for key in scores})
    return {**data, "recommendation": "select", "notes": ""}


def test_submitting_and_reopening_reviews_move_the_slate(
    client, selecting_official, reviewer, other_reviewer, cycle
):
    first = ApplicationFactory(cycle=cycle, submitted=True)
    second = ApplicationFactory(cycle=cycle, submitted=True)
    ReviewFactory(assignment=assign(second, other_reviewer), submitted=True, score_severity=1,
                  score_leadership=1, score_readiness=1, score_partnerships=1,
                  score_tta_clarity=1)  # fmt: skip
    client.force_login(selecting_official)
    assert slate_order(client, cycle) == [second.pk, first.pk]  # unscored last

    review = review_submit(
        assignment=assign(first, reviewer), data=score_data(**SCORES), actor=reviewer
    )
    assert summaries()[first.pk] == (Decimal("19.0"), 1)
    assert slate_order(client, cycle) == [first.pk, second.pk]

    review_reopen(review=review, reason="Scores need a second look", actor=selecting_official)
    assert summaries()[first.pk] == (None, 0)
    assert slate_order(client, cycle) == [second.pk, first.pk]


def test_the_average_is_rounded_half_up_as_the_pages_show_it(reviewer, other_reviewer, soi):
    ReviewFactory(
        assignment=assign(soi, reviewer),
        submitted=True,
        score_severity=5,
        score_leadership=5,
        score_readiness=5,
        score_partnerships=5,
        score_tta_clarity=1,
    )  # fmt: skip  (21)
    ReviewFactory(
        assignment=assign(soi, other_reviewer),
        submitted=True,
        score_severity=5,
        score_leadership=5,
        score_readiness=5,
        score_partnerships=5,
        score_tta_clarity=0,
    )  # fmt: skip  (20)
    assert summaries()[soi.pk] == (Decimal("20.5"), 2)


def test_rebuild_and_the_migrations_backfill_agree_with_the_receiver(
    reviewer, other_reviewer, cycle
):
    for n in range(3):
        application = ApplicationFactory(cycle=cycle, submitted=True)
        ReviewFactory(assignment=assign(application, reviewer), submitted=True,
                      score_severity=n)  # fmt: skip
        ReviewFactory(assignment=assign(application, other_reviewer), submitted=False)
    kept = summaries()
    assert len(kept) == 3

    assert score_summaries_rebuild() == 3
    assert summaries() == kept

    # 0007's backfill wrote summaries before they had a cycle (a required column since
    # 0009, which then filled it in): 0009's backfill puts each SOI's back.
    ScoreSummary.objects.update(cycle=CycleFactory())
    migration = importlib.import_module("reviews.migrations.0009_score_summary_cycle")
    migration.backfill(apps, None)
    assert summaries() == kept
    assert set(ScoreSummary.objects.values_list("cycle", flat=True)) == {cycle.pk}


def test_a_tie_rounds_half_up(cycle):
    """Four reviews totalling 81 average 20.25: shown, and ranked, as 20.3 (not 20.2)."""
    application = ApplicationFactory(cycle=cycle, submitted=True)
    for total in (20, 20, 20, 21):
        ReviewFactory(assignment=assign(application, make_staff(roles.REVIEWER)), submitted=True,
                      score_severity=5, score_leadership=5, score_readiness=5,
                      score_partnerships=5, score_tta_clarity=total - 20)  # fmt: skip
    assert summaries()[application.pk] == (Decimal("20.3"), 4)


def test_deleting_a_review_updates_the_average(reviewer, other_reviewer, soi):
    ReviewFactory(assignment=assign(soi, reviewer), submitted=True)  # 18
    kept = ReviewFactory(
        assignment=assign(soi, other_reviewer), submitted=True, score_severity=0
    )  # fmt: skip  (14)
    assert summaries()[soi.pk] == (Decimal("16.0"), 2)
    kept.delete()
    assert summaries()[soi.pk] == (Decimal("18.0"), 1)
