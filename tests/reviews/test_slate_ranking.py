"""The slate's ranking, read in two parts (reviews.selectors.ranked_slate_ids): the scored
SOIs in the order of the score index, then the unscored ones. Every window of it must be
the same as one sort of the whole slate, whichever part the window falls in."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from applications.models import Application
from reviews.models import ScoreSummary
from reviews.selectors import ranked_slate_ids, scored_slate, slate_scope
from tests.conftest import make_staff
from tests.factories import ApplicationFactory, CycleFactory
from tests.reviews.factories import ReviewFactory, assign

pytestmark = pytest.mark.django_db


def scored(cycle, reviewer, total: int) -> Application:
    application = ApplicationFactory(cycle=cycle, submitted=True)
    points = [min(5, max(0, total - 5 * i)) for i in range(5)]
    ReviewFactory(assignment=assign(application, reviewer), submitted=True,
                  score_severity=points[0], score_leadership=points[1],
                  score_readiness=points[2], score_partnerships=points[3],
                  score_tta_clarity=points[4])  # fmt: skip
    return application


def whole_slate_sorted(cycle, user) -> list[int]:
    """The ranking as one sort: average high to low, no average last, then reference."""
    averages = dict(ScoreSummary.objects.values_list("application_id", "average"))
    rows = slate_scope(cycle, user).values_list("pk", "reference_number")
    return [
        pk
        for pk, reference in sorted(
            rows,
            key=lambda row: (
                averages.get(row[0]) is None,
                -(averages.get(row[0]) or Decimal(0)),
                row[1],
                row[0],
            ),
        )
    ]


@pytest.fixture
def slate(cycle, other_reviewer):
    """Seven scored SOIs (two ties), two with a draft review only (a summary without an
    average), two with no review at all; and another cycle's scored SOIs, ranked higher."""
    for total in (10, 24, 17, 17, 3, 24, 8):
        scored(cycle, other_reviewer, total)
    for _ in range(2):
        drafted = ApplicationFactory(cycle=cycle, submitted=True)
        ReviewFactory(assignment=assign(drafted, other_reviewer))
    ApplicationFactory.create_batch(2, cycle=cycle, submitted=True)
    ApplicationFactory(cycle=cycle)  # a draft: not on the slate
    other = CycleFactory()
    for total in (25, 25, 25):
        scored(other, other_reviewer, total)
    return cycle


def test_every_window_is_the_whole_slates_sort(slate, selecting_official):
    expected = whole_slate_sorted(slate, selecting_official)
    assert len(expected) == 11
    assert ScoreSummary.objects.filter(average=None).count() == 2
    assert ranked_slate_ids(slate, selecting_official) == expected
    for size in range(1, 12):
        for start in range(0, 11, size):
            stop = min(start + size, 11)
            assert ranked_slate_ids(slate, selecting_official, start, stop) == expected[start:stop]


@pytest.mark.parametrize(
    ("start", "stop", "queries"),
    [
        (0, 5, 1),  # scored SOIs only: read from the score index alone
        (5, 10, 2),  # the last scored SOIs, then the first unscored ones
        (9, 11, 3),  # unscored only: the scored ones are counted to find where to start
    ],
)
def test_a_window_reads_the_unscored_part_only_when_it_reaches_it(
    slate, selecting_official, start, stop, queries
):
    expected = whole_slate_sorted(slate, selecting_official)
    with CaptureQueriesContext(connection) as ctx:
        assert ranked_slate_ids(slate, selecting_official, start, stop) == expected[start:stop]
    assert len(ctx.captured_queries) == queries


def test_a_cycle_without_scores_is_ranked_by_reference(cycle, selecting_official):
    sois = ApplicationFactory.create_batch(3, cycle=cycle, submitted=True)
    expected = [s.pk for s in sorted(sois, key=lambda s: (s.reference_number, s.pk))]
    assert ranked_slate_ids(cycle, selecting_official, 0, 25) == expected


def test_a_summary_records_its_sois_cycle(slate, other_reviewer):
    """The ranking index starts with the summary's cycle: it must be the SOI's."""
    summaries = ScoreSummary.objects.values_list("cycle_id", "application__cycle_id")
    assert summaries.count() == 12
    assert all(mine == soi for mine, soi in summaries)
    late = ApplicationFactory(cycle=CycleFactory(), submitted=True)
    ReviewFactory(assignment=assign(late, make_staff(roles.REVIEWER)), submitted=True)
    assert ScoreSummary.objects.get(application=late).cycle_id == late.cycle_id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan (CI runs it)")
def test_the_scored_part_is_read_from_the_score_index(slate, selecting_official):
    sql, params = scored_slate(slate, selecting_official)[:5].query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database holds a few rows, where sorting them all is always cheapest: this
        # asks whether the index can serve the ranking, not whether it is chosen at size.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    assert "scoresummary_ranked_idx" in text
    # Sorted only within equal averages, never the cycle's SOIs as a whole.
    assert "Incremental Sort" in text
    assert not re.search(r"(^|->  )Sort ", text, re.MULTILINE)
