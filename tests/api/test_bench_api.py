"""The API bench stage runs on generated data: 100-row pages, a fixed query count.

No timing is asserted: speed is measured by `make bench`, never by tests.
"""

import pytest

from bench import datagen
from bench.api import API_MAX_QUERIES, ENDPOINTS, api_flags, measure_api
from outcomes.models import OutcomeYear

pytestmark = pytest.mark.django_db


def test_api_stage_measures_every_list_endpoint_with_full_pages(tiny):
    datagen.generate(scale=1, seed=3)
    results = measure_api(runs=2)
    by_key = {r["key"]: r for r in results}
    assert set(by_key) == {key for key, _e, _w in ENDPOINTS}
    assert all(r["status"] == 200 for r in results)
    # Pages of 100 rows where the data has that many.
    assert by_key["api_engagements"]["rows"] == 100
    assert by_key["api_sois"]["rows"] == 100
    assert by_key["api_outcomes"]["rows"] == min(100, OutcomeYear.objects.count())
    # Counted (not 0), and within issue 18's budget, SOIs included.
    assert all(0 < r["queries"] <= API_MAX_QUERIES for r in results), results


def test_api_flags_name_what_misses_the_targets():
    row = {"key": "api_sites", "status": 200, "queries": 6, "p95_ms": 20.0}
    slow = {**row, "queries": 11, "p95_ms": 150.0}
    assert api_flags({1: [row], 10: [row]}) == []
    flags = api_flags({1: [row], 10: [slow]})
    assert any("11 queries" in f for f in flags) and any("p95 150.0" in f for f in flags)
    assert any("6 vs 11" in f for f in flags)
