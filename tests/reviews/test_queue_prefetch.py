"""The queue's screened rows load their related rows without joining the SOIs again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

RELATED_TABLES = (
    "applications_contact",
    "applications_crimefigures",
    "applications_letter",
    "applications_iceanswer",
    "reviews_reviewassignment",
)  # the decision in force is read as columns of the SOI query (selectors.with_decision_in_force)


def test_queue_prefetches_do_not_join_the_sois_for_their_order(client, selecting_official):
    ApplicationFactory.create_batch(2, submitted=True)
    client.force_login(selecting_official)
    # A first visit: the screening summaries are not cached yet, so the rows are screened.
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("reviews:queue")).status_code == 200
    prefetches = [
        q["sql"]
        for q in ctx.captured_queries
        if any(f'FROM "{table}"' in q["sql"] for table in RELATED_TABLES)
        and '"application_id" IN (' in q["sql"]
    ]
    assert len(prefetches) == len(RELATED_TABLES)
    # Meta.ordering starts with "application", which would order by the SOI's own
    # ordering through a join; the prefetches order by the SOI's id instead.
    assert not [sql for sql in prefetches if 'JOIN "applications_application"' in sql]
