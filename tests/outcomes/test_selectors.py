import datetime
from decimal import Decimal

import pytest

from outcomes.models import OutcomeYear
from outcomes.selectors import (
    figures_by_site,
    national_rates,
    program_outcomes,
    psp_years,
    rows_by_site,
    site_series,
    tracked_years,
)
from sites.models import Site
from tests.factories import NationalCrimeRateFactory, SiteFactory
from tests.outcomes.helpers import national_rates as national_rate_rows
from tests.outcomes.helpers import site_with_figures, verified

pytestmark = pytest.mark.django_db


def test_national_rate_comes_from_the_latest_edition_recorded():
    NationalCrimeRateFactory(year=2019, rate="366.7", source_edition="CIUS 2019 (first published)")
    NationalCrimeRateFactory(year=2019, rate="380.8", source_edition="CIUS 2019 (revised)")
    NationalCrimeRateFactory(year=2018, rate="368.9", source_edition="CIUS 2018 (first published)")
    assert national_rates() == {2018: Decimal("368.9"), 2019: Decimal("380.8")}


def test_years_followed_run_from_the_baseline_to_two_years_after_graduation():
    site = SiteFactory(
        cohort_year=2019,
        start_date=datetime.date(2019, 10, 1),
        expected_end_date=datetime.date(2022, 10, 1),
        phase="graduated",
        phase_started_on=datetime.date(2022, 6, 1),
    )
    assert psp_years(site) == [2019, 2020, 2021, 2022]
    assert tracked_years(site, []) == list(range(2016, 2025))
    # SOI baseline years (here 2015-2017) replace the default three years before the cohort.
    rows = [verified(site, year, 1000, baseline=True) for year in (2015, 2016, 2017)]
    assert tracked_years(site, rows) == list(range(2015, 2025))


def test_figure_rows_give_the_same_series_as_outcome_rows():
    national_rate_rows()
    site = site_with_figures()
    OutcomeYear.objects.create(site=site, year=2020, status="due", murder=3, population=199_000)
    OutcomeYear.objects.create(
        site=site, year=2021, status="submitted", murder=1, rape=2, robbery=3,
        aggravated_assault=4, population=210_000,
    )  # fmt: skip
    national = national_rates()
    full = rows_by_site([site])[site.pk]
    light = figures_by_site(Site.objects.filter(pk=site.pk))[site.pk]
    assert [row.offenses for row in light] == [row.offenses for row in full]
    assert light[4].offenses is None and light[5].offenses == 10  # half-entered: no total
    assert light[0].is_baseline is True  # read from the cursor: the driver's own bool
    assert site_series(site, light, national) == site_series(site, full, national)


def test_program_outcomes_rows_are_outcome_years_only_when_asked(django_assert_num_queries):
    site_with_figures()
    with django_assert_num_queries(3):
        light = program_outcomes(Site.objects.all())
    with django_assert_num_queries(3):
        full = program_outcomes(Site.objects.all(), full_rows=True)
    assert isinstance(full.sites[0].rows[0], OutcomeYear)
    assert not isinstance(light.sites[0].rows[0], OutcomeYear)
    assert light.sites[0].series == full.sites[0].series


def test_no_site_to_show_gives_an_empty_program():
    site_with_figures()
    # A queryset that can match nothing is never sent to the database (EmptyResultSet).
    for nothing in (Site.objects.none(), Site.objects.filter(pk__in=[])):
        data = program_outcomes(nothing)
        assert data.sites == () and data.years == ()
    assert figures_by_site(Site.objects.none()) == {}
