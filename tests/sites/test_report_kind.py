import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.models import Report
from reports.services import report_render
from tests.factories import EngagementFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_site_engagement_report_renders_with_charts(reviewer, settings):
    site = SiteFactory()
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 3, 4),
                      title="Crime-gun intelligence training")  # fmt: skip
    report = Report.objects.create(
        kind="site_engagement", params={"site_id": site.pk, "year": 2025}, requested_by=reviewer
    )
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    text = "".join(page.extract_text() for page in PdfReader(report.file.open("rb")).pages)
    assert "Crime-gun intelligence training" in text
    assert "Engagements delivered by month" in text


def test_site_engagement_report_is_for_staff_who_read_the_site(client, reviewer, applicant):
    from engagements.report_kinds.site_engagement import site_engagement_can_view

    own_site = SiteFactory(jurisdiction=applicant.jurisdiction)
    report = Report(kind="site_engagement", params={"site_id": own_site.pk, "year": 2025})
    assert site_engagement_can_view(reviewer, report)
    assert not site_engagement_can_view(applicant, report)  # staff figures inside


def test_site_page_requests_the_report(client, reviewer, django_capture_on_commit_callbacks):
    site = SiteFactory()
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("reports:request", args=["site_engagement"]),
            {"site": site.pk, "year": datetime.date.today().year},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.params == {"site_id": site.pk, "year": datetime.date.today().year}


def test_long_period_is_charted_by_year_and_long_titles_are_shortened(reviewer):
    from django.template.loader import render_to_string

    from engagements.report_kinds.site_engagement import site_engagement_context

    site = SiteFactory()
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2019, 3, 4),
                      title="T" * 120)  # fmt: skip
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 3, 4))
    wide = Report(kind="site_engagement", requested_by=reviewer,
                  params={"site_id": site.pk, "start": "2015-01-01", "end": "2025-12-31"})  # fmt: skip
    context = site_engagement_context(wide)
    chart = context["charts"][0]
    assert chart.title == "Engagements delivered by year"
    assert "2019: 1" in str(chart.svg) and "2025: 1" in str(chart.svg)
    html = render_to_string("pdf/site_engagement.html", {**context, "report": wide})
    assert "T" * 69 + "…" in html and "T" * 71 not in html
    assert 'class="w35"' in html and "table-layout: fixed" in html
    year = Report(kind="site_engagement", requested_by=reviewer,
                  params={"site_id": site.pk, "year": 2025})  # fmt: skip
    assert site_engagement_context(year)["charts"][0].title == "Engagements delivered by month"
