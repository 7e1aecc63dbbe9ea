"""The site engagement report over a date range: text from known data, params, access."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from engagements.models import Engagement, FollowUpAction
from engagements.report_kinds.site_engagement import site_engagement_context
from reports.models import Report
from sites.models import Goal
from tests.conftest import make_staff
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db

RANGE = {"start": "2025-02-01", "end": "2025-05-31"}


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


@pytest.fixture
def site():
    site = SiteFactory(jurisdiction=JurisdictionFactory(name="City of Rangeford"))
    rows = [
        (datetime.date(2025, 2, 3), "5.0", 10, Engagement.Type.TRAINING, ["crime_analysis"]),
        (datetime.date(2025, 2, 20), "7.0", 30, Engagement.Type.TRAINING, ["violent_crime"]),
        (datetime.date(2025, 4, 9), "12.5", 8, Engagement.Type.SITE_VISIT, ["crime_analysis"]),
    ]
    for day, hours, people, kind, areas in rows:
        EngagementFactory(
            site=site, delivered=True, start_date=day, end_date=day, hours=Decimal(hours),
            participants=people, type=kind, focus_areas=areas, title=f"Work of {day:%B %-d}",
        )  # fmt: skip
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 7, 1))  # outside
    planned = EngagementFactory(site=site, planned=True, start_date=datetime.date(2025, 5, 2))
    FollowUpAction.objects.create(
        engagement=planned, description="Send the analyst job description", owner="Chief Ray",
        due_date=datetime.date(2025, 6, 1),
    )  # fmt: skip
    Goal.objects.create(site=site, title="Cut nonfatal shootings by 10%")
    return site


def test_site_report_over_a_range_text(site, reviewer, render_now):
    report = render_now("site_engagement", {"site_id": site.pk, **RANGE}, reviewer)
    assert report.status == Report.Status.READY, report.error
    text = pdf_text(report)
    assert "City of Rangeford" in text
    assert "February 1, 2025 to May 31, 2025" in text
    assert "3 24.5 48 1 0" in text  # delivered, hours, participants, planned, cancelled
    assert "Training 2 12 40" in text  # by type
    assert "Site visit 1 12.5 8" in text
    assert "Work of April 9" in text
    assert "Work of July 1" not in text
    assert "Send the analyst job description" in text  # open follow-up
    assert "Cut nonfatal shootings by 10%" in text  # goal
    assert "Engagements delivered by type" in text  # SVG chart title


def test_site_report_for_a_year_still_works(site, reviewer, render_now):
    report = render_now("site_engagement", {"site_id": site.pk, "year": 2025}, reviewer)
    assert report.status == Report.Status.READY, report.error
    text = pdf_text(report)
    assert "Site engagement report 2025" in text
    assert "4 30.5" in text  # the July engagement (6 hours) counts in the year


def test_site_report_queries_do_not_grow_with_engagements(site):
    report = Report(kind="site_engagement", params={"site_id": site.pk, "year": 2025})
    with CaptureQueriesContext(connection) as few:
        site_engagement_context(report)
    for n in range(30):
        EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 3, 1 + n % 28))
    with CaptureQueriesContext(connection) as many:
        context = site_engagement_context(report)
    assert len(context["delivered"]) == 34
    assert len(many) == len(few)


def test_form_refuses_end_before_start(client, reviewer, site):
    client.force_login(reviewer)
    response = client.post(
        reverse("reports:request", args=["site_engagement"]),
        {"site": site.pk, "start": "2025-05-01", "end": "2025-02-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["The end date is before the start date."]
    assert not Report.objects.exists()


def test_form_requires_a_year_or_a_range(client, reviewer, site):
    client.force_login(reviewer)
    response = client.post(reverse("reports:request", args=["site_engagement"]), {"site": site.pk})
    assert response.context["form"].errors["year"] == ["Enter a year, or a start and end date."]


def test_form_stores_the_range(client, reviewer, site, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("reports:request", args=["site_engagement"]), {"site": site.pk, **RANGE}
        )
    assert response.status_code == 302
    assert Report.objects.get().params == {"site_id": site.pk, **RANGE}


def test_form_offers_only_sites_the_user_may_see(client, site):
    scoped = make_staff(full_name="Scoped Liaison")
    scoped.user_permissions.add(
        *Permission.objects.filter(codename__in=["open_staff_area", "log_engagement"])
    )
    own = SiteFactory(liaison=scoped)
    client.force_login(scoped)
    page = client.get(reverse("reports:request", args=["site_engagement"]))
    assert list(page.context["form"].fields["site"].queryset) == [own]
    response = client.post(
        reverse("reports:request", args=["site_engagement"]), {"site": site.pk, "year": 2025}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["site"] == ["Choose one of the sites listed."]
    assert not Report.objects.exists()


def test_other_users_site_report_is_404(client, reviewer, applicant, site, render_now):
    report = render_now("site_engagement", {"site_id": site.pk, **RANGE}, reviewer)
    client.force_login(applicant)
    for name in ("reports:detail", "reports:status", "reports:download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
