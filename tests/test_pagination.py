"""Long lists stop counting at a cap ("More than 10,000") instead of counting every row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import Engagement
from psp_portal.pagination import COUNT_CAP, CappedPaginator
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


class _Small(CappedPaginator):
    cap = 3


def test_below_the_cap_the_total_is_exact():
    EngagementFactory.create_batch(3)
    paginator = _Small(Engagement.objects.order_by("pk"), 2)
    assert paginator.count == 3
    assert not paginator.capped
    assert paginator.count_label == "3"
    assert paginator.num_pages == 2


def test_past_the_cap_the_count_stops_and_says_more_than():
    EngagementFactory.create_batch(5)
    paginator = _Small(Engagement.objects.order_by("-start_date", "-pk"), 2)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 4
    assert paginator.capped
    assert paginator.count_label == "More than 3"
    assert paginator.num_pages == 2  # the first 3 rows, 2 a page
    # One query that stops after cap + 1 rows, and sorts nothing first.
    (query,) = ctx.captured_queries
    assert "LIMIT 4" in query["sql"]
    assert "ORDER BY" not in query["sql"]


def test_a_total_counted_already_is_taken_as_is_and_capped():
    EngagementFactory.create_batch(5)
    rows = Engagement.objects.order_by("pk")
    with CaptureQueriesContext(connection) as ctx:
        assert _Small(rows, 2, count=2).count == 2  # taken as given: no COUNT query
        assert _Small(rows, 2, count=5).count == 4  # past the cap, as a count would say
    assert ctx.captured_queries == []
    assert _Small(rows, 2, count=5).capped


def test_a_list_is_capped_too():
    assert _Small(list(range(10)), 2).count_label == "More than 3"
    assert CappedPaginator(list(range(10)), 2).count == 10
    assert COUNT_CAP == 10_000


def test_engagement_list_says_more_than_the_cap(client, program_admin, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    EngagementFactory.create_batch(5, delivered=True)
    client.force_login(program_admin)
    response = client.get(reverse("engagements:list"))
    assert response.status_code == 200
    assert "More than 3 engagements." in response.content.decode()
    assert "Page 1 of more than 1" not in response.content.decode()  # 3 rows fit one page


def test_review_queue_uses_the_capped_total(client, selecting_official, monkeypatch):
    from tests.factories import ApplicationFactory

    monkeypatch.setattr(CappedPaginator, "cap", 1)
    ApplicationFactory.create_batch(2, submitted=True)
    client.force_login(selecting_official)
    response = client.get(reverse("reviews:queue"))
    assert "More than 1 Statements of Interest." in response.content.decode()
