import datetime

from outcomes.models import OFFENSE_FIELDS, OutcomeYear
from tests.factories import NationalCrimeRateFactory, SiteFactory

NATIONAL = {2016: "386.3", 2017: "382.9", 2018: "368.9", 2019: "366.7", 2020: "387.8"}


def national_rates():
    for year, rate in NATIONAL.items():
        NationalCrimeRateFactory(
            year=year, rate=rate, source_edition=f"CIUS {year} (first published)"
        )


def verified(site, year, offenses, population=200_000, *, baseline=None):
    """A verified year whose four counts add up to `offenses`."""
    share = offenses // 4
    counts = dict.fromkeys(OFFENSE_FIELDS, share)
    counts["aggravated_assault"] += offenses - share * 4
    return OutcomeYear.objects.create(
        site=site,
        year=year,
        status=OutcomeYear.Status.VERIFIED,
        is_baseline=baseline if baseline is not None else year < site.cohort_year,
        population=population,
        source="ucr_nibrs",
        **counts,
    )


def site_with_figures(liaison=None, **kwargs):
    """A 2019 site: baseline 1000.0, 950.0, 925.0 (mean 958.3); 2019 850.0 (-11.3%)."""
    site = SiteFactory(
        cohort_year=2019,
        start_date=datetime.date(2019, 10, 1),
        expected_end_date=datetime.date(2022, 10, 1),
        liaison=liaison,
        **kwargs,
    )
    for year, offenses in ((2016, 2000), (2017, 1900), (2018, 1850), (2019, 1700)):
        verified(site, year, offenses)
    return site
