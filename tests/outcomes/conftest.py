import datetime

import pytest

from tests.factories import ApplicantFactory, SiteFactory

FIGURES = {
    "murder": 20,
    "rape": 80,
    "robbery": 400,
    "aggravated_assault": 1200,
    "population": 200_000,
    "source": "ucr_nibrs",
}


@pytest.fixture
def site(liaison):
    """A 2019 site (baseline 2016-2018, PSP years 2019-2022, followed to 2024)."""
    return SiteFactory(
        cohort_year=2019,
        start_date=datetime.date(2019, 10, 1),
        expected_end_date=datetime.date(2022, 10, 1),
        liaison=liaison,
    )


@pytest.fixture
def site_user(site):
    """An applicant account of the site's own jurisdiction."""
    return ApplicantFactory(jurisdiction=site.jurisdiction)


@pytest.fixture
def figures():
    return dict(FIGURES)
