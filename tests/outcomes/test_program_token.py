"""The Outcomes page's program, kept per process under the outcomes change token: read
with one query while nothing it reads changed, built anew once any input's write commits.

(The tests of tests/outcomes/test_cached_series.py write inside the test's transaction,
where the token is not read: they test the memo under it.)
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.models import OutcomesToken
from outcomes.selectors import program_outcomes
from sites.models import Site
from tests.factories import JurisdictionFactory, NationalCrimeRateFactory, SiteFactory
from tests.other_worker import read_around
from tests.outcomes.helpers import national_rates, site_with_figures, verified

# Real commits: the token moves only when a write commits, which a test wrapped in one
# transaction never does. serialized_rollback brings the token's row back after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site():
    national_rates()
    return site_with_figures()


def program(**filters):
    return program_outcomes(Site.objects.filter(**filters).order_by("pk"))


def test_the_program_is_read_once_until_an_input_changes(site, django_assert_num_queries):
    with django_assert_num_queries(4):  # the token, sites, outcome rows, national rates
        first = program()
    with django_assert_num_queries(1):  # the token only
        assert program() is first
    OutcomesToken.objects.update(token="00000000-0000-4000-8000-000000000000")
    with django_assert_num_queries(4):
        assert program() is first  # read again; the same inputs: the same program


def test_every_input_moves_the_program_on(site):
    """Each write is committed after the program was kept; each must show at once."""

    def only():
        (item,) = program().sites
        return item

    def year_2019():
        return next(year for year in only().series.years if year.year == 2019)

    assert only().name == f"{site.jurisdiction.name}, {site.jurisdiction.state} (2019)"
    jurisdiction = site.jurisdiction
    jurisdiction.name = "Renamed"
    jurisdiction.save()
    assert only().name == f"Renamed, {jurisdiction.state} (2019)"
    site.cohort_year = 2018
    site.save()
    assert only().name == f"Renamed, {jurisdiction.state} (2018)"
    rate_2019 = year_2019().rate
    row = site.outcome_years.get(year=2019)
    row.murder += 400
    row.save()
    assert year_2019().rate == rate_2019 + Decimal("200.0")
    row.delete()
    assert year_2019().rate is None
    verified(site, 2019, 1700)
    assert year_2019().rate == rate_2019
    national_2019 = year_2019().national_rate
    NationalCrimeRateFactory(year=2019, rate="380.8", source_edition="CIUS 2019 (revised)")
    assert year_2019().national_rate == Decimal("380.8") != national_2019


def test_each_filter_and_scope_is_kept_apart(site, liaison):
    other = SiteFactory(jurisdiction=JurisdictionFactory(name="Toledo", state="OH"),
                        cohort_year=2017, liaison=liaison)  # fmt: skip
    assert [item.site.pk for item in program(cohort_year=2019).sites] == [site.pk]
    assert [item.site.pk for item in program(cohort_year=2017).sites] == [other.pk]
    assert program_outcomes(Site.objects.none()).sites == ()
    # A scope of one liaison's sites and everyone's, kept under the same token.
    mine = program_outcomes(Site.objects.filter(liaison=liaison).order_by("pk"))
    assert [item.site.pk for item in mine.sites] == [other.pk]
    assert [item.site.pk for item in program().sites] == [site.pk, other.pk]


def test_another_process_sees_a_committed_change(site):
    """A program kept by another worker is not told of a change; it must read it from
    the token."""
    names = read_around(
        lambda: [item.name for item in program().sites],
        lambda: SiteFactory(jurisdiction=JurisdictionFactory(name="Added", state="TX"),
                            cohort_year=2020),
    )  # fmt: skip
    assert len(names[0]) == 1 and names[1][-1] == "Added, TX (2020)"


def test_the_page_shows_a_committed_change(client, program_admin, site):
    client.force_login(program_admin)
    assert b"Added, TX" not in client.get(reverse("outcomes:program")).content
    SiteFactory(jurisdiction=JurisdictionFactory(name="Added", state="TX"),
                start_date=datetime.date(2020, 10, 1))  # fmt: skip
    assert b"Added, TX" in client.get(reverse("outcomes:program")).content
