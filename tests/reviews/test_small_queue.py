"""A reviewer's queue (their assignments) is read as one list of ids, counted and paged
here; a longer one, and the whole queue of officials, is counted by the database. Both
give the same pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import selectors
from tests.factories import ApplicationFactory
from tests.reviews.factories import assign

pytestmark = pytest.mark.django_db

PER_PAGE = 3


@pytest.fixture
def assigned(reviewer):
    """Seven SOIs assigned to the reviewer (three pages), and two that are not."""
    ApplicationFactory.create_batch(2, submitted=True)
    apps = ApplicationFactory.create_batch(7, submitted=True)
    for app in apps:
        assign(app, reviewer)
    return apps


def page_of(client, monkeypatch, number, sort="-submitted"):
    monkeypatch.setattr("reviews.views.queue.PAGE_SIZE", PER_PAGE)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reviews:queue"), {"page": number, "sort": sort})
    page = response.context["page"]
    ids = [row.application.pk for row in page.object_list]
    return ids, page.paginator.count, page.paginator.num_pages, len(ctx.captured_queries)


@pytest.mark.parametrize("sort", ["-submitted", "reference"])
def test_a_short_queue_counts_its_ids_and_pages_as_the_database_does(
    client, reviewer, assigned, monkeypatch, sort
):
    client.force_login(reviewer)
    for n in (1, 2, 3):  # the session, permissions and screening summaries: kept from now
        page_of(client, monkeypatch, n, sort)
    short = [page_of(client, monkeypatch, n, sort) for n in (1, 2, 3, 99)]
    monkeypatch.setattr(selectors, "SMALL_QUEUE", 2)  # too long: counted by the database
    counted = [page_of(client, monkeypatch, n, sort) for n in (1, 2, 3, 99)]
    assert [r[:3] for r in short] == [r[:3] for r in counted]
    pages = [ids for ids, *_ in short[:3]]
    assert sorted(sum(pages, [])) == sorted(app.pk for app in assigned)  # each SOI once
    assert [len(ids) for ids in pages] == [3, 3, 1] and short[3][0] == pages[2]
    assert short[0][1:3] == (7, 3)
    # A short queue: its ids in one query. A long one: the ids up to SMALL_QUEUE + 1, then
    # a COUNT and a page of ids, as an official's queue.
    assert [r[3] for r in short] == [r[3] - 2 for r in counted]


def test_an_officials_queue_is_counted_by_the_database(
    client, selecting_official, assigned, monkeypatch
):
    client.force_login(selecting_official)
    page_of(client, monkeypatch, 1)
    ids, count, pages, queries = page_of(client, monkeypatch, 1)
    monkeypatch.setattr(selectors, "SMALL_QUEUE", 0)  # would it change anything? no
    assert page_of(client, monkeypatch, 1) == (ids, count, pages, queries)
    assert (count, pages) == (9, 3)
