"""The program's year totals, kept per process under the engagements' change token: read
without counting while nothing changed, and never stale once a write is committed."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from engagements import year_totals
from engagements.models import Engagement, EngagementsToken
from engagements.services import (
    engagement_cancel,
    engagement_deliver,
    engagement_log,
    engagement_update,
    engagements_log_many,
)
from engagements.year_totals import delivered_in_year
from psp_portal import change_tokens
from tests.engagements.helpers import LOG_FIELDS
from tests.factories import EngagementFactory, SiteFactory
from tests.other_worker import read_around

# Real commits: the token moves only when a write commits, which a test wrapped in one
# transaction never does. serialized_rollback brings the token's row back after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

YEAR = 2025
DELIVERED = {
    **LOG_FIELDS,
    "start_date": datetime.date(YEAR, 4, 1),
    "end_date": datetime.date(YEAR, 4, 1),
    "hours": Decimal("3.5"),
    "participants": 12,
    "agencies_represented": 2,
}


def counted(year=YEAR):
    """What the database holds now, counted (what the kept figures must equal)."""
    return year_totals._count(year)


def token():
    return EngagementsToken.objects.get().token


def test_figures_are_kept_until_an_engagement_changes(django_assert_num_queries):
    EngagementFactory.create_batch(3, delivered=True, start_date=datetime.date(YEAR, 5, 2))
    with django_assert_num_queries(2):  # the token, then the count
        assert delivered_in_year(YEAR) == (3, Decimal("18.0"))
    with django_assert_num_queries(1):  # the token only
        assert delivered_in_year(YEAR) == (3, Decimal("18.0"))
    with django_assert_num_queries(2):  # another year is counted once too
        assert delivered_in_year(YEAR - 1) == (0, 0)


def test_every_write_path_moves_the_figures_on(liaison, django_assert_num_queries):
    """Each write is committed after the figures were kept; each must show at once."""
    site = SiteFactory(liaison=liaison)

    def check(expected):
        assert delivered_in_year(YEAR) == counted() == expected
        with django_assert_num_queries(1):  # kept, the token read: the next write must move it
            assert delivered_in_year(YEAR) == expected

    check((0, 0))
    logged = engagement_log(site=site, actor=liaison, status=Engagement.Status.DELIVERED,
                            **DELIVERED)  # fmt: skip
    check((1, Decimal("3.5")))
    engagement_update(engagement=logged, actor=liaison, hours=Decimal("5.0"))
    check((1, Decimal("5.0")))
    planned = engagement_log(site=site, actor=liaison,
                             **{**LOG_FIELDS, "start_date": datetime.date(YEAR, 6, 1),
                                "end_date": datetime.date(YEAR, 6, 1)})  # fmt: skip
    check((1, Decimal("5.0")))
    engagement_deliver(engagement=planned, actor=liaison, start_date=datetime.date(YEAR, 6, 1),
                       end_date=datetime.date(YEAR, 6, 1), hours=Decimal("2.0"), participants=5,
                       agencies_represented=1)  # fmt: skip
    check((2, Decimal("7.0")))
    to_cancel = engagement_log(site=site, actor=liaison, **{**LOG_FIELDS, "start_date":
                               datetime.date(YEAR, 7, 1), "end_date": datetime.date(YEAR, 7, 1)})  # fmt: skip
    engagement_cancel(engagement=to_cancel, actor=liaison, reason="Postponed by the site.")
    check((2, Decimal("7.0")))
    # The CSV import inserts in bulk, which sends no signal.
    engagements_log_many(
        rows=[{"site": site, "status": Engagement.Status.DELIVERED, **DELIVERED}] * 3,
        actor=liaison,
    )
    check((5, Decimal("17.5")))
    planned.delete()  # as the admin does
    check((4, Decimal("15.5")))


def test_a_failed_write_leaves_the_token(liaison):
    site = SiteFactory(liaison=liaison)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(YEAR, 5, 2))
    before = token()
    assert delivered_in_year(YEAR) == (1, Decimal("6.0"))
    with pytest.raises(RuntimeError), transaction.atomic():
        engagement_log(site=site, actor=liaison, status=Engagement.Status.DELIVERED, **DELIVERED)
        raise RuntimeError("the request failed after the save")
    assert token() == before
    assert delivered_in_year(YEAR) == (1, Decimal("6.0"))


def test_an_open_transaction_counts_its_own_writes(liaison, django_assert_num_queries):
    site = SiteFactory(liaison=liaison)
    assert delivered_in_year(YEAR) == (0, 0)  # kept under the token
    with transaction.atomic():
        engagement_log(site=site, actor=liaison, status=Engagement.Status.DELIVERED, **DELIVERED)
        with django_assert_num_queries(1):  # counted, the token not read
            assert delivered_in_year(YEAR) == (1, Decimal("3.5"))
    assert delivered_in_year(YEAR) == (1, Decimal("3.5"))


def test_another_process_sees_a_committed_change(liaison):
    """Figures kept by another worker are not told of a change; they must read it from
    the token."""
    site = SiteFactory(liaison=liaison)
    results = read_around(
        lambda: delivered_in_year(YEAR),
        lambda: engagement_log(site=site, actor=liaison, status=Engagement.Status.DELIVERED,
                               **DELIVERED),
    )  # fmt: skip
    assert results == [(0, 0), (1, Decimal("3.5"))]


def test_nothing_is_kept_longer_than_the_maximum_age(liaison, monkeypatch):
    """A lost on-commit hook (or a write without signals, as here) leaves the token where
    it was: what is kept is counted again after MAX_AGE_S all the same."""
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(change_tokens, "time", SimpleNamespace(monotonic=lambda: clock.now))
    engagement = EngagementFactory(delivered=True, start_date=datetime.date(YEAR, 5, 2))
    assert delivered_in_year(YEAR) == (1, Decimal("6.0"))
    Engagement.objects.filter(pk=engagement.pk).update(hours=Decimal("9.0"))  # no signal
    clock.now += change_tokens.MAX_AGE_S
    assert delivered_in_year(YEAR) == (1, Decimal("6.0"))  # kept, as documented
    clock.now += 1
    assert delivered_in_year(YEAR) == (1, Decimal("9.0"))


def test_program_view_shows_a_committed_change(client, program_admin, liaison):
    site = SiteFactory(liaison=liaison)
    today = timezone.localdate()
    EngagementFactory(site=site, delivered=True, start_date=today, hours=Decimal("4.0"))
    client.force_login(program_admin)
    first = client.get(reverse("sites:program")).context["totals"]
    assert (first["engagements"], first["hours"]) == (1, Decimal("4.0"))
    EngagementFactory(site=site, delivered=True, start_date=today, hours=Decimal("2.5"))
    second = client.get(reverse("sites:program")).context["totals"]
    assert (second["engagements"], second["hours"]) == (2, Decimal("6.5"))
