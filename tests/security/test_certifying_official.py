"""The certifying official (issue 12) is attached to a jurisdiction but is not its applicant.

The permission matrix (column "certifier") found that sites and outcome figures were
opened by the account's jurisdiction alone: such an officer could read A's site and
enter and submit A's outcome figures. Access now needs the applicant permission too.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.access import can_enter
from outcomes.models import OutcomeYear
from sites.access import sites_visible_to
from tests.factories import ApplicantFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_and_site():
    applicant = ApplicantFactory()
    officer = UserFactory(roles=[])
    officer.jurisdiction = applicant.jurisdiction
    officer.save(update_fields=["jurisdiction"])
    return applicant, officer, SiteFactory(jurisdiction=applicant.jurisdiction)


def test_an_officer_attached_to_the_jurisdiction_reads_none_of_its_sites(client, officer_and_site):
    applicant, officer, site = officer_and_site
    assert list(sites_visible_to(applicant)) == [site]  # the applicant still does
    assert not sites_visible_to(officer).exists()
    client.force_login(officer)
    assert client.get(reverse("sites:detail", args=[site.pk])).status_code == 404


def test_an_officer_attached_to_the_jurisdiction_cannot_enter_its_outcome_figures(
    client, officer_and_site
):
    applicant, officer, site = officer_and_site
    year = timezone.localdate().year - 1
    OutcomeYear.objects.create(site=site, year=year)
    assert can_enter(applicant, site)
    assert not can_enter(officer, site)
    client.force_login(officer)
    url = reverse("outcomes:enter", args=[site.pk, year])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
