"""The list pages' cached screening summaries (reviews.screening_summaries): the same
answer as the review page's screening, a new answer as soon as any input changes, and
fewer queries once cached, as many whatever the number of rows."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, CrimeFigures
from applications.services.cycles import cycle_save, national_rate_save
from reviews.screening import ATTENTION, FAIL, PASS, screen, screening_prefetch
from reviews.selectors import list_rows, with_list_data
from reviews.services import screening_override
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def queue_result(client, soi) -> str:
    """The screening result the queue shows for `soi` (the queue is the first page)."""
    rows = client.get(reverse("reviews:queue")).context["page"].object_list
    return next(row.screening.result for row in rows if row.application.pk == soi.pk)


def review_page_result(soi) -> str:
    return screen(screening_prefetch(Application.objects.filter(pk=soi.pk)).get()).result


def test_summaries_agree_with_the_review_pages_screening(selecting_official, cycle, soi):
    low = ApplicationFactory(cycle=cycle, submitted=True)
    CrimeFigures.objects.filter(application=low).update(rate=Decimal("100.0"))  # below national
    overridden = ApplicationFactory(cycle=cycle, submitted=True)
    screening_override(
        application=overridden, check_key="overall", result="pass", reason="Checked by phone",
        actor=selecting_official,
    )  # fmt: skip
    sois = [soi, low, overridden]
    for _ in range(2):  # screened, then read from the cache
        rows = list_rows(with_list_data(Application.objects.filter(pk__in=[s.pk for s in sois])))
        for row in rows:
            full = screen(
                screening_prefetch(Application.objects.filter(pk=row.application.pk)).get()
            )
            assert row.screening.result == full.result
            assert row.screening.overridden == full.overridden
            assert row.screening.latest_rate == full.latest_rate
    by_pk = {row.application.pk: row.screening for row in rows}
    assert by_pk[low.pk].result == FAIL
    assert by_pk[overridden.pk].overridden and by_pk[overridden.pk].result == PASS
    assert len(caches["screening"]._cache) == 3


def test_the_queue_shows_an_override_at_once(client, selecting_official, soi):
    client.force_login(selecting_official)
    before = queue_result(client, soi)  # now cached
    assert before != FAIL
    screening_override(
        application=soi, check_key="overall", result="fail", reason="Figures disputed",
        actor=selecting_official,
    )  # fmt: skip
    assert queue_result(client, soi) == FAIL == review_page_result(soi)


def test_the_queue_follows_a_changed_population_range(client, selecting_official, soi):
    client.force_login(selecting_official)
    assert queue_result(client, soi) != FAIL
    cycle = soi.cycle
    cycle.population_min, cycle.population_max = 1, 1000  # the SOI's 270,000 is outside
    cycle_save(cycle=cycle, actor=selecting_official)
    assert queue_result(client, soi) == FAIL == review_page_result(soi)


def test_the_queue_follows_a_corrected_national_rate(client, selecting_official, soi):
    client.force_login(selecting_official)
    assert queue_result(client, soi) in (PASS, ATTENTION)
    rate = soi.cycle.national_rate
    rate.rate = Decimal("900.0")  # above the SOI's 740.7 in every year
    national_rate_save(rate=rate, actor=selecting_official)
    assert queue_result(client, soi) == FAIL == review_page_result(soi)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["queue", "slate"])
def test_cached_rows_need_five_queries_fewer_and_as_many_for_any_number(
    client, selecting_official, cycle, page
):
    url = reverse("reviews:queue") if page == "queue" else reverse("reviews:slate", args=[cycle.pk])
    client.force_login(selecting_official)
    counts = {}
    for total in (1, 25):
        while Application.objects.filter(cycle=cycle).count() < total:
            ApplicationFactory(cycle=cycle, submitted=True)
        caches["screening"].clear()
        client.get(url)  # session and permission caches, as any later request
        caches["screening"].clear()
        cold = _queries(client, url)
        warm = _queries(client, url)
        counts[total] = (cold, warm)
    # The five relations screening reads (contacts, figures, letters, answers, overrides)
    # are loaded only for rows not cached.
    assert counts[1] == counts[25]
    cold, warm = counts[25]
    assert cold - warm == 5
    # No SOI here is scored: the slate reads its scored part (none) and then the unscored
    # one (tests/reviews/test_slate_ranking.py); a first page of scored SOIs takes 9.
    assert warm == {"queue": 9, "slate": 10}[page]


def test_the_key_follows_the_sois_own_row_and_its_certification(soi):
    """A filed SOI is locked, so these do not change in practice; the key still holds
    them, so a change that ever did would not be served an old summary."""
    from reviews.screening_summaries import summary_key, with_summary_inputs

    def key():
        return summary_key(with_summary_inputs(Application.objects.filter(pk=soi.pk)).get())

    keys = [key()]
    Application.objects.filter(pk=soi.pk).update(version=soi.version + 1)
    keys.append(key())
    Application.objects.filter(pk=soi.pk).update(updated_at=timezone.now())
    keys.append(key())
    certification = soi.certification
    certification.clo_title = "Acting City Attorney"
    certification.save()
    keys.append(key())
    assert len(set(keys)) == 4
