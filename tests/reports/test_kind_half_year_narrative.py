"""The half-year narrative report: text from known data, access by role, bad params."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pypdf import PdfReader

from engagements.models import Engagement, NarrativeUpdate
from engagements.report_kinds.half_year_narrative import half_year_narrative_can_view
from reports.models import Report
from tests.conftest import make_staff
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def scoped_liaison():
    """A liaison who reads only the sites assigned to them (no sites.view_any_site)."""
    user = make_staff(full_name="Sam Scoped")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["open_staff_area", "log_engagement"],
            content_type__app_label__in=["accounts", "engagements"],
        )
    )
    return user


@pytest.fixture
def narrative_site(liaison):
    liaison.full_name = "Lee Liaison"
    liaison.save()
    site = SiteFactory(jurisdiction=JurisdictionFactory(name="City of Narrativia"), liaison=liaison)
    for day, hours, kind in [
        (datetime.date(2025, 2, 10), "6.0", Engagement.Type.TRAINING),
        (datetime.date(2025, 4, 22), "8.5", Engagement.Type.TRAINING),
        (datetime.date(2025, 5, 5), "3.0", Engagement.Type.SITE_VISIT),
    ]:
        EngagementFactory(
            site=site, delivered=True, start_date=day, end_date=day, hours=Decimal(hours), type=kind,
            title=f"Engagement on {day:%B %-d}",
        )  # fmt: skip
    # The second half and a planned one do not count.
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 8, 1))
    EngagementFactory(site=site, planned=True, start_date=datetime.date(2025, 3, 1))
    NarrativeUpdate.objects.create(
        site=site,
        year=2025,
        half=1,
        narrative="The site launched its crime-gun intelligence center.\n\nNext: hiring analysts.",
        engagements_delivered=3,
        hours_delivered=Decimal("17.5"),
        author=liaison,
    )
    return site


PARAMS = {"year": 2025, "half": 1}


def test_narrative_report_text(narrative_site, liaison, render_now):
    report = render_now("half_year_narrative", {"site_id": narrative_site.pk, **PARAMS}, liaison)
    assert report.status == Report.Status.READY, report.error
    text = pdf_text(report)
    assert "Half-year narrative update" in text
    assert "City of Narrativia" in text
    assert "January-June 2025" in text
    assert "crime-gun intelligence center" in text
    assert "Next: hiring analysts." in text
    assert "Engagements delivered 3 3" in text  # narrative's figure and the log's
    assert "Hours delivered 17.5 17.5" in text
    assert "Training 2 14.5" in text  # by type: two trainings, 6 + 8.5 hours
    assert "Site visit 1 3" in text
    assert "Engagement on April 22" in text
    assert "Lee Liaison" in text


def test_narrative_report_access(narrative_site, liaison, reviewer, applicant, program_admin):
    report = Report(kind="half_year_narrative", params={"site_id": narrative_site.pk, **PARAMS})
    assert half_year_narrative_can_view(liaison, report)
    assert half_year_narrative_can_view(reviewer, report)
    assert half_year_narrative_can_view(program_admin, report)
    assert not half_year_narrative_can_view(applicant, report)  # INTERNAL
    assert not half_year_narrative_can_view(scoped_liaison(), report)  # not their site
    own_applicant = applicant
    own_applicant.jurisdiction = narrative_site.jurisdiction
    own_applicant.save()
    assert not half_year_narrative_can_view(own_applicant, report)  # the site's own team


def test_other_users_narrative_report_is_404(client, narrative_site, liaison, render_now):
    report = render_now("half_year_narrative", {"site_id": narrative_site.pk, **PARAMS}, liaison)
    other = scoped_liaison()
    client.force_login(other)
    for name in ("reports:detail", "reports:status", "reports:download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    client.force_login(liaison)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 200


def test_request_from_the_narrative_page(
    client, narrative_site, liaison, django_capture_on_commit_callbacks
):
    client.force_login(liaison)
    page = client.get(reverse("engagements:narrative", args=[narrative_site.pk, 2025, 1]))
    assert reverse("reports:request", args=["half_year_narrative"]).encode() in page.content
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("reports:request", args=["half_year_narrative"]),
            {"site": narrative_site.pk, "year": 2025, "half": 1},
        )
    assert response.status_code == 302
    assert Report.objects.get().params == {"site_id": narrative_site.pk, "year": 2025, "half": 1}


def test_request_refuses_a_site_the_user_may_not_see(client, narrative_site):
    user = scoped_liaison()
    own = SiteFactory(liaison=user)
    client.force_login(user)
    page = client.get(reverse("reports:request", args=["half_year_narrative"]))
    assert list(page.context["form"].fields["site"].queryset) == [own]
    response = client.post(
        reverse("reports:request", args=["half_year_narrative"]),
        {"site": narrative_site.pk, "year": 2025, "half": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["site"] == ["Choose one of the sites listed."]
    assert not Report.objects.exists()


def test_request_refuses_a_half_year_without_narrative(client, narrative_site, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("reports:request", args=["half_year_narrative"]),
        {"site": narrative_site.pk, "year": 2024, "half": 2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["half"] == [
        "No narrative update has been written for this site and half-year yet."
    ]
    assert not Report.objects.exists()


def test_applicants_may_not_request_narratives(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("reports:request", args=["half_year_narrative"]))
    assert response.status_code == 403
