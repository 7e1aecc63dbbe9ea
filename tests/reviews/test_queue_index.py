"""The review queue's first page is read from the filed SOIs' order index
(application_filed_queue_order), not by walking past the drafts, the newest rows."""

import pytest
from django.db import connection
from django.test import RequestFactory

from applications.models import Application
from reviews import access
from reviews.filters import QueueFilter
from reviews.selectors import DB_SORTS
from tests.factories import ApplicationFactory
from tests.reviews.factories import assign

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a PostgreSQL partial index (CI runs it)"
    ),
]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database holds a few rows, where a plain scan is always cheapest: this
        # asks whether the index can serve the query, not whether it is chosen at size.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("descending", [True, False])
def test_the_queue_page_reads_the_filed_order_index(selecting_official, descending):
    ApplicationFactory.create_batch(3, submitted=True)
    ApplicationFactory.create_batch(3)  # drafts
    request = RequestFactory().get("/")
    request.user = selecting_official
    base = access.queue_applications_for(selecting_official)
    queryset = QueueFilter(None, queryset=base, request=request).qs
    order = DB_SORTS["submitted"].desc() if descending else DB_SORTS["submitted"].asc()
    ids = queryset.order_by(order, "reference_number", "pk").values_list("pk", flat=True)[:25]

    text = plan(ids)
    assert "application_filed_queue_order" in text
    if descending:  # the default order is the index's own: no sort at all
        assert "Sort" not in text
    else:  # ties on the date are few: sorted within each date only
        assert "Incremental Sort" in text
    assert list(ids) == list(
        Application.objects.exclude(status=Application.Status.DRAFT)
        .order_by(order, "reference_number", "pk")
        .values_list("pk", flat=True)
    )


def test_a_reviewers_scope_reads_their_assignments_and_conflicts_from_the_indexes(
    reviewer, other_reviewer
):
    mine = ApplicationFactory.create_batch(3, submitted=True)
    for soi in mine:
        assign(soi, reviewer)
    assign(mine[0], other_reviewer)
    assign(ApplicationFactory(submitted=True), other_reviewer)
    conflicted = ApplicationFactory(submitted=True)
    assign(conflicted, reviewer, conflict=True)
    scope = access.queue_applications_for(reviewer)
    with connection.cursor() as cursor:
        # Statistics of these rows, not of whatever earlier tests left behind: with stale
        # ones the planner may pick another path for a handful of rows (seen in a full run).
        for table in ("applications_application", "reviews_reviewassignment",
                      "reviews_conflictdeclaration"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")

    text = plan(scope.values_list("pk", flat=True))

    # Index-only: the assignment table and the declarations are not read row by row.
    assert "Index Only Scan using assignment_reviewer_soi_idx" in text
    assert "Index Only Scan using declaration_conflicted_idx" in text
    assert sorted(scope.values_list("pk", flat=True)) == sorted(soi.pk for soi in mine)
