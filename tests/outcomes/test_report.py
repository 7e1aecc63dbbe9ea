"""The outcome report: a report kind through the reports pipeline, its text checked."""

import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.models import Report
from reports.services import report_render
from tests.factories import SiteFactory
from tests.outcomes.helpers import national_rates, site_with_figures, verified

pytestmark = pytest.mark.django_db


def _text(report) -> str:
    return " ".join(page.extract_text() for page in PdfReader(report.file.open("rb")).pages)


def test_outcome_report_holds_the_summary_figures_table_and_methods(selecting_official):
    national_rates()
    site_with_figures(jurisdiction__name="Falltown")  # -11.3%, relative -8.0
    rising = SiteFactory(
        jurisdiction__name="Risetown", cohort_year=2019, start_date=datetime.date(2019, 10, 1),
        expected_end_date=datetime.date(2022, 10, 1),
    )  # fmt: skip
    for year in (2016, 2017, 2018):
        verified(rising, year, 1000)
    verified(rising, 2019, 1100)  # +10.0%, relative +13.3
    SiteFactory(jurisdiction__name="Otherville", cohort_year=2024)  # not in the cohort
    report = Report.objects.create(
        kind="outcome_report", params={"cohort_year": 2019}, requested_by=selecting_official
    )
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    text = " ".join(_text(report).split())
    assert "2 of 2" in text  # sites with data
    assert "-0.7%" in text  # median change, see test_arithmetic
    assert "2.7 points" in text  # median relative
    assert "Falltown" in text and "Risetown" in text and "Otherville" not in text
    assert "-11.3%" in text and "958.3" in text  # per-site table
    assert "descriptive" in text and "do not show that PSP caused" in text
    assert "NIBRS" in text and "Missing years are shown as missing" in text
    assert report.file.name.endswith(f"outcomes-2019-{report.pk}.pdf")


def test_outcome_report_is_for_program_report_holders(client, reviewer, selecting_official):
    client.force_login(reviewer)  # reviewers do not hold reports.request_program_reports
    assert client.get(reverse("reports:request", args=["outcome_report"])).status_code == 403
    from outcomes.report_kinds import outcome_report_can_view

    report = Report(kind="outcome_report", params={})
    assert not outcome_report_can_view(reviewer, report)
    assert outcome_report_can_view(selecting_official, report)


def test_outcomes_page_requests_the_report_for_the_filtered_cohort(
    client, selecting_official, django_capture_on_commit_callbacks
):
    site_with_figures()  # a 2019 site, so the cohort is a choice
    client.force_login(selecting_official)
    page = client.get(reverse("outcomes:program"), {"cohort_year": 2019}).content.decode()
    assert "for the 2019 cohort" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("reports:request", args=["outcome_report"]), {"cohort_year": "2019"}
        )
    report = Report.objects.get(kind="outcome_report")
    assert response.status_code == 302 and report.params == {"cohort_year": 2019}


def test_a_long_span_of_years_prints_as_tables_that_fit_the_page(selecting_official):
    """18 years in one portrait table wrapped "2014" into "201/4"; blocks of 9 keep them whole."""
    national_rates()
    early = SiteFactory(
        jurisdiction__name="Longtown", cohort_year=2008, start_date=datetime.date(2008, 10, 1),
        expected_end_date=datetime.date(2011, 10, 1),
    )  # fmt: skip
    for year in range(2005, 2023):
        verified(early, year, 2000 + 50 * (year - 2005))  # rates of 1,000.0 and up
    report = Report.objects.create(
        kind="outcome_report", params={}, requested_by=selecting_official
    )
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    words = _text(report).split()
    assert "2005–2013" in " ".join(words) and "2014–2022" in " ".join(words)
    for year in range(2005, 2023):
        assert str(year) in words, year  # a header cell, never cut inside the number
    assert "1,425.0" in words  # 2022: 2,850 offenses in 200,000 residents
