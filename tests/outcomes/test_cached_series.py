"""The Outcomes page keeps each site's series and small chart in process memory, under
their inputs (outcomes.selectors._memoized_series, outcomes.charts.small_rate_chart).

Each test fills the cache, changes one input the way an edit or a script would (a
queryset update: no save, no signal, nothing told to invalidate) and checks the next
read follows at once. One test per key part: leave the part out of the key and its
test serves the figures from before the change.
"""

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Jurisdiction
from applications.models import NationalCrimeRate
from outcomes.charts import rate_chart
from outcomes.models import OutcomeYear
from outcomes.selectors import (
    national_rates,
    program_outcomes,
    psp_years,
    rows_by_site,
    site_series,
)
from sites.models import Site
from tests.factories import JurisdictionFactory, SiteFactory
from tests.outcomes.helpers import national_rates as national_rate_rows
from tests.outcomes.helpers import site_with_figures, verified

pytestmark = pytest.mark.django_db


def _series(site_pk, **years):
    """The site's series as the Outcomes page reads it (through the cache)."""
    (item,) = program_outcomes(Site.objects.filter(pk=site_pk), **years).sites
    return item.series


def _fresh_series(site_pk, **years):
    """The same series computed from the database now, without the cache."""
    site = Site.objects.get(pk=site_pk)
    return site_series(site, rows_by_site([site])[site.pk], national_rates(), **years)


def _years(series):
    return [row.year for row in series.years]


def _year(series, year):
    return next(row for row in series.years if row.year == year)


@pytest.fixture
def site():
    """site_with_figures: baseline 2016-2018 (958.3), 2019 850.0 (-11.3%), psp 2019-2022."""
    national_rate_rows()
    return site_with_figures()


def _rows(site):
    return OutcomeYear.objects.filter(site=site)


# Each case: (what it changes, the change, what the series shows before -> after).
SITE_CHANGES = {
    "start_date": (
        {"start_date": datetime.date(2020, 1, 1)},
        lambda s: _year(s, 2019).period,  # psp -> other (before the PSP years)
    ),
    "expected_end_date": (
        {"expected_end_date": datetime.date(2023, 10, 1)},
        lambda s: _years(s)[-1],  # followed to 2024 -> 2025
    ),
    "phase": (
        {"phase": Site.Phase.GRADUATED},  # graduated in 2019 (phase_started_on)
        lambda s: _years(s)[-1],  # 2024 -> 2021
    ),
}


@pytest.mark.parametrize("part", SITE_CHANGES)
def test_a_changed_site_date_or_phase_shows_at_once(site, part):
    change, shown = SITE_CHANGES[part]
    before = shown(_series(site.pk))
    Site.objects.filter(pk=site.pk).update(**change)
    after = _series(site.pk)
    assert shown(after) != before
    assert after == _fresh_series(site.pk)


def test_a_changed_graduation_date_shows_at_once(site):
    Site.objects.filter(pk=site.pk).update(
        phase=Site.Phase.GRADUATED, phase_started_on=datetime.date(2020, 6, 1)
    )
    assert _years(_series(site.pk))[-1] == 2022  # two years after 2020
    Site.objects.filter(pk=site.pk).update(phase_started_on=datetime.date(2021, 6, 1))
    assert _years(_series(site.pk))[-1] == 2023
    assert _series(site.pk) == _fresh_series(site.pk)


def test_a_changed_cohort_year_moves_the_default_baseline_at_once(site):
    # Without baseline rows the baseline is the three years before the cohort year.
    _rows(site).update(is_baseline=False)
    assert _series(site.pk).baseline_years == (2016, 2017, 2018)
    Site.objects.filter(pk=site.pk).update(cohort_year=2018)
    assert _series(site.pk).baseline_years == (2015, 2016, 2017)
    assert _series(site.pk) == _fresh_series(site.pk)


ROW_CHANGES = {
    "year": ({"year": 2020}, lambda s: s.latest.year),  # 2019 -> 2020
    "is_baseline": ({"is_baseline": True}, lambda s: s.baseline_rate),  # 958.3 -> 931.3
    "status": ({"status": OutcomeYear.Status.SUBMITTED}, lambda s: s.latest),  # not counted
    "offenses": ({"murder": 0}, lambda s: s.latest.rate),  # 850.0 -> 637.5
    "population": ({"population": 100_000}, lambda s: s.latest.rate),  # 850.0 -> 1,700.0
}


@pytest.mark.parametrize("part", ROW_CHANGES)
def test_a_changed_figure_row_shows_at_once(site, part):
    change, shown = ROW_CHANGES[part]
    before = shown(_series(site.pk))
    _rows(site).filter(year=2019).update(**change)
    after = _series(site.pk)
    assert shown(after) != before
    assert after == _fresh_series(site.pk)


def test_a_revised_national_rate_shows_at_once(site):
    assert _year(_series(site.pk), 2019).national_rate == Decimal("366.7")
    NationalCrimeRate.objects.filter(year=2019).update(rate=Decimal("380.8"))
    assert _year(_series(site.pk), 2019).national_rate == Decimal("380.8")
    assert _series(site.pk) == _fresh_series(site.pk)


@pytest.mark.parametrize(
    ("first", "second"),
    [({"year_from": 2017}, {"year_from": 2018}), ({"year_to": 2019}, {"year_to": 2018})],
)
def test_each_year_filter_gets_its_own_series(site, first, second):
    assert _series(site.pk, **first) == _fresh_series(site.pk, **first)
    assert _series(site.pk, **second) == _fresh_series(site.pk, **second)
    assert _years(_series(site.pk, **first)) != _years(_series(site.pk, **second))


def test_the_csv_export_path_reads_the_same_cached_series(site):
    # The export's rows are OutcomeYears, which compare by pk alone: the key is their figures.
    before = program_outcomes(Site.objects.all(), full_rows=True).sites[0].series
    _rows(site).filter(year=2019).update(murder=0)
    after = program_outcomes(Site.objects.all(), full_rows=True).sites[0].series
    assert after != before and after == _fresh_series(site.pk)


def _chart(response, site_pk):
    svg = re.search(rf'<svg [^>]*id="site-{site_pk}".*?</svg>', response.content.decode(), re.S)
    return svg.group(0)


def test_a_renamed_jurisdiction_shows_in_its_chart_at_once(client, reviewer, site):
    client.force_login(reviewer)
    assert "Renamed" not in _chart(client.get(reverse("outcomes:program")), site.pk)
    Jurisdiction.objects.filter(pk=site.jurisdiction_id).update(name="Renamed")
    assert "Renamed, OH (2019)" in _chart(client.get(reverse("outcomes:program")), site.pk)


def test_changed_figures_redraw_the_chart_at_once(client, reviewer, site):
    client.force_login(reviewer)
    assert "2019: 850.0" in _chart(client.get(reverse("outcomes:program")), site.pk)
    _rows(site).filter(year=2019).update(murder=0)
    assert "2019: 637.5" in _chart(client.get(reverse("outcomes:program")), site.pk)


def test_moved_psp_years_reshade_the_chart_at_once(client, reviewer, site):
    # 2018 is a baseline year either way, so the series is the same; only the band moves.
    client.force_login(reviewer)
    assert "PSP years 2019-2022" in _chart(client.get(reverse("outcomes:program")), site.pk)
    Site.objects.filter(pk=site.pk).update(start_date=datetime.date(2018, 10, 1))
    assert "PSP years 2018-2022" in _chart(client.get(reverse("outcomes:program")), site.pk)


def test_two_sites_with_the_same_name_and_figures_each_get_their_own_chart(client, reviewer):
    national_rate_rows()
    twins = []
    for kind in ("city", "county"):  # the same name and state, two jurisdictions
        twin = SiteFactory(
            jurisdiction=JurisdictionFactory(name="Twinton", kind=kind),
            cohort_year=2019,
            start_date=datetime.date(2019, 10, 1),
            expected_end_date=datetime.date(2022, 10, 1),
        )
        verified(twin, 2018, 1000)
        twins.append(twin)
    client.force_login(reviewer)
    response = client.get(reverse("outcomes:program"))
    for twin in twins:  # the chart ids name each chart's own title and description
        assert f'aria-labelledby="site-{twin.pk}-title site-{twin.pk}-desc"' in _chart(
            response, twin.pk
        )


def test_a_cached_series_cannot_be_changed_by_a_reader(site):
    # Every request gets the same object: a reader that changed it would change the page
    # of every later request.
    series = _series(site.pk)
    assert isinstance(series.years, tuple) and isinstance(series.baseline_years, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        series.baseline_rate = Decimal(0)


def test_the_same_program_is_built_once_and_any_change_builds_it_anew(site):
    # The whole program is kept under its inputs (outcomes.selectors._memoized_program):
    # the same inputs give the same object, without the arithmetic, the sort or the summary.
    first = program_outcomes(Site.objects.all())
    assert program_outcomes(Site.objects.all()) is first
    _rows(site).filter(year=2019).update(murder=0)
    changed = program_outcomes(Site.objects.all())
    assert changed is not first
    assert changed.sites[0].series == _fresh_series(site.pk) != first.sites[0].series
    assert changed.summary != first.summary


def test_a_site_added_or_renamed_shows_in_the_program_at_once(site):
    assert [item.name for item in program_outcomes(Site.objects.all()).sites] == [
        f"{site.jurisdiction.name}, {site.jurisdiction.state} (2019)"
    ]
    Jurisdiction.objects.filter(pk=site.jurisdiction_id).update(name="Renamed", state="OH")
    other = SiteFactory(jurisdiction=JurisdictionFactory(name="Added", state="TX"))
    names = [item.name for item in program_outcomes(Site.objects.all()).sites]
    assert names == ["Renamed, OH (2019)", f"Added, TX ({other.cohort_year})"]
    assert program_outcomes(Site.objects.all()).summary.site_count == 2


def _panel_chart(response):
    """The outcomes panel's chart (the page's engagement charts are "chart" too)."""
    return next(c["chart"] for c in response.context if "series" in c and "chart" in c)


def _panel(client, site):
    response = client.get(reverse("sites:detail", args=[site.pk]))
    panel = re.search(
        r'<section class="outcomes-panel".*?</section>', response.content.decode(), re.S
    )
    return response, panel.group(0)


def test_the_site_page_panel_reads_its_series_from_memory_and_follows_every_change(
    client, reviewer, site
):
    client.force_login(reviewer)
    first, panel = _panel(client, site)
    assert "850.0" in panel and "PSP years 2019-2022" in panel
    # The same figures: the series the first visit computed (outcomes.selectors._memoized_series).
    again, _ = _panel(client, site)
    assert again.context["series"] is first.context["series"]
    assert _panel_chart(again) is _panel_chart(first)  # drawn once
    _rows(site).filter(year=2019).update(murder=0)
    Site.objects.filter(pk=site.pk).update(start_date=datetime.date(2018, 10, 1))
    changed, panel = _panel(client, site)
    assert "637.5" in panel and "PSP years 2018-2022" in panel
    assert changed.context["series"] == _fresh_series(site.pk)
    site.refresh_from_db()
    fresh = rate_chart(
        f"{site.jurisdiction.name}, {site.jurisdiction.state}",
        _fresh_series(site.pk),
        chart_id="site-outcomes",
        psp_years=psp_years(site),
    )
    assert _panel_chart(changed).svg == fresh.svg != _panel_chart(first).svg
