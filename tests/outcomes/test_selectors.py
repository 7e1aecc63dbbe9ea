import datetime
from decimal import Decimal

import pytest

from outcomes.selectors import national_rates, psp_years, tracked_years
from tests.factories import NationalCrimeRateFactory, SiteFactory
from tests.outcomes.helpers import verified

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
