"""The program report: figures from known data, access, params, query count, schedule."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts import roles
from engagements.report_kinds.program_report import program_report_context
from reports.models import Report
from reports.schedule import previous_quarter, program_report_schedule_quarterly
from sites.models import Site, SiteFocusArea
from tests.conftest import make_staff
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db

PARAMS = {"cohort": None, "start": "2025-01-01", "end": "2025-06-30"}


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


def delivered(site, day, hours="6.0", **kwargs):
    return EngagementFactory(
        site=site, delivered=True, start_date=day, end_date=day, hours=Decimal(hours), **kwargs
    )


@pytest.fixture
def program_data():
    """Two liaisons, three sites, known engagements in the first half of 2025."""
    ana = make_staff(roles.SITE_LIAISON, full_name="Ana Liaison")
    ben = make_staff(roles.SITE_LIAISON, full_name="Ben Liaison")
    dayton = SiteFactory(
        jurisdiction=JurisdictionFactory(name="City of Dayton"), liaison=ana, cohort_year=2024
    )
    memphis = SiteFactory(
        jurisdiction=JurisdictionFactory(name="City of Memphis", state="TN"),
        liaison=ben,
        cohort_year=2023,
        phase=Site.Phase.IMPLEMENTATION,
        start_date=datetime.date(2023, 10, 1),
    )
    quiet = SiteFactory(jurisdiction=JurisdictionFactory(name="Town of Quietville"), liaison=ana)
    SiteFocusArea.objects.create(site=dayton, focus_area="crime_analysis")
    SiteFocusArea.objects.create(site=memphis, focus_area="crime_analysis")
    # March 2025: 3 engagements (Dayton 2, Memphis 1); June: Memphis 1 (recent for Memphis).
    delivered(dayton, datetime.date(2025, 3, 4), "6.5", title="Crime-gun intelligence training")
    delivered(dayton, datetime.date(2025, 3, 18), "4.0")
    delivered(memphis, datetime.date(2025, 3, 20), "10.0", focus_areas=["violent_crime"])
    delivered(memphis, datetime.date(2025, 6, 10), "2.5")
    delivered(quiet, datetime.date(2025, 1, 15), "3.0")
    # Outside the range or not delivered: not counted.
    delivered(dayton, datetime.date(2025, 7, 2), "100.0")
    EngagementFactory(site=dayton, planned=True, start_date=datetime.date(2025, 4, 1))
    return {"ana": ana, "ben": ben, "dayton": dayton, "memphis": memphis, "quiet": quiet}


def test_program_report_figures_in_the_pdf(program_data, program_admin, render_now):
    report = render_now("program_report", PARAMS, program_admin)
    assert report.status == Report.Status.READY, report.error
    text = pdf_text(report)
    assert "Program report" in text
    assert "January 1, 2025 to June 30, 2025" in text
    # Totals: 5 engagements, 26 hours (6.5 + 4 + 10 + 2.5 + 3), 3 sites.
    assert "Total 5 26" in text
    assert "March 2025 3 20.5" in text  # a month's count and hours
    assert "June 2025 1 2.5" in text
    assert "City of Memphis, TN" in text
    # Liaison workload: Ana has 2 sites, 3 engagements, 13.5 hours; Ben 1, 2, 12.5.
    assert "Ana Liaison 2 3 13.5" in text
    assert "Ben Liaison 1 2 12.5" in text
    # Sites by phase on June 30: 2 in assessment, 1 in implementation.
    assert "Assessment 2" in text
    assert "Implementation 1" in text
    # Quiet: Dayton and Quietville had nothing delivered May 2 - June 30; Memphis did.
    quiet_section = text.split("Sites without recent engagement")[1].split("Liaison workload")[0]
    assert "Town of Quietville" in quiet_section
    assert "City of Dayton" in quiet_section
    assert "City of Memphis" not in quiet_section
    assert "Engagements delivered by month" in text  # the SVG chart's title


def test_program_report_context_counts(program_data):
    report = Report(kind="program_report", params=PARAMS)
    context = program_report_context(report)
    assert context["totals"]["engagements"] == 5
    assert context["totals"]["hours"] == Decimal("26.0")
    assert context["totals"]["sites"] == 3
    march = next(row for row in context["months"] if row["month"] == datetime.date(2025, 3, 1))
    assert (march["count"], march["hours"]) == (3, Decimal("20.5"))
    crime = next(row for row in context["focus_areas"] if row["label"].startswith("Crime anal"))
    assert crime["sites_chosen"] == 2
    assert {site.pk for site in context["quiet"]} == {
        program_data["dayton"].pk,
        program_data["quiet"].pk,
    }
    assert "<svg" in str(context["charts"][0].svg)


def test_program_report_for_one_cohort(program_data):
    report = Report(kind="program_report", params={**PARAMS, "cohort": 2023})
    context = program_report_context(report)
    assert [site.pk for site in context["sites"]] == [program_data["memphis"].pk]
    assert context["totals"]["engagements"] == 2


def test_program_report_query_count_does_not_grow_with_sites(program_data):
    report = Report(kind="program_report", params=PARAMS)
    with CaptureQueriesContext(connection) as few:
        program_report_context(report)
    for n in range(20):
        site = SiteFactory(liaison=program_data["ana"])
        delivered(site, datetime.date(2025, 2, 1 + n))
    with CaptureQueriesContext(connection) as many:
        context = program_report_context(report)
    assert context["totals"]["sites"] == 23
    assert len(many) == len(few) <= 6


def test_request_form_refuses_end_before_start(client, program_admin):
    client.force_login(program_admin)
    response = client.post(
        reverse("reports:request", args=["program_report"]),
        {"cohort": "", "start": "2025-06-30", "end": "2025-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["The end date is before the start date."]
    assert b"The end date is before the start date." in response.content
    assert not Report.objects.exists()


def test_request_form_queues_the_report(
    client, selecting_official, django_capture_on_commit_callbacks
):
    client.force_login(selecting_official)
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("reports:request", args=["program_report"]),
            {"cohort": "", "start": "2025-01-01", "end": "2025-06-30"},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.params == PARAMS


@pytest.mark.parametrize("role", ["reviewer", "liaison", "applicant"])
def test_only_program_report_holders_may_request(client, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("reports:request", args=["program_report"]))
    assert response.status_code == 403


def test_other_users_program_report_is_404(client, program_admin, liaison, render_now):
    report = render_now("program_report", PARAMS, program_admin)
    client.force_login(liaison)
    for name in ("reports:detail", "reports:status", "reports:download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    client.force_login(program_admin)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_unknown_kind_is_404(client, program_admin):
    client.force_login(program_admin)
    assert client.get(reverse("reports:request", args=["no_such_kind"])).status_code == 404


def test_previous_quarter():
    assert previous_quarter(datetime.date(2026, 10, 1)) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
        "2026-Q3",
    )
    assert previous_quarter(datetime.date(2026, 1, 1)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
        "2025-Q4",
    )
    assert previous_quarter(datetime.date(2026, 4, 1))[2] == "2026-Q1"


def test_quarterly_schedule_mails_program_admins_a_link_once(
    program_admin, liaison, selecting_official, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://psp.example.gov"
    inactive_admin = make_staff(roles.PROGRAM_ADMIN, is_active=False)
    site = SiteFactory(jurisdiction=JurisdictionFactory(name="City of Quarterton"))
    delivered(site, datetime.date(2026, 8, 12), "7.5")

    with django_capture_on_commit_callbacks(execute=True):
        report = program_report_schedule_quarterly(today=datetime.date(2026, 10, 1))
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    assert report.params == {"cohort": None, "start": "2026-07-01", "end": "2026-09-30"}
    assert report.requested_by is None
    assert report.schedule_key == "program_report:2026-Q3"
    text = pdf_text(report)
    assert "City of Quarterton" in text
    assert "August 2026 1 7.5" in text
    assert "PSP Portal (scheduled report)" in text

    assert [message.to for message in mail.outbox] == [[program_admin.email]]
    message = mail.outbox[0]
    link = f"https://psp.example.gov{reverse('reports:detail', args=[report.pk])}"
    assert link in message.body
    assert not message.attachments
    assert inactive_admin.email not in message.to

    # A second run for the same quarter makes no report and sends no mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert program_report_schedule_quarterly(today=datetime.date(2026, 10, 1)) is None
    assert Report.objects.filter(kind="program_report").count() == 1
    assert len(mail.outbox) == 1


def test_quarterly_task_uses_today(program_admin, django_capture_on_commit_callbacks, monkeypatch):
    from django.utils import timezone

    from reports.tasks import program_report_quarterly_task

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        pk = program_report_quarterly_task.delay().get()
    report = Report.objects.get(pk=pk)
    assert report.params["start"] == "2026-01-01" and report.params["end"] == "2026-03-31"


def test_program_admin_can_open_the_mailed_link(program_admin, client, render_now):
    report = render_now("program_report", PARAMS, None)  # a scheduled report: no requester
    client.force_login(program_admin)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 200


def test_my_reports_offers_the_kinds_and_lists_scheduled_reports(
    client, program_admin, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        report = program_report_schedule_quarterly(today=datetime.date(2026, 7, 1))
    client.force_login(program_admin)
    page = client.get(reverse("reports:mine"))
    assert reverse("reports:request", args=["program_report"]).encode() in page.content
    assert reverse("reports:detail", args=[report.pk]).encode() in page.content
    assert b"2026-04-01 to 2026-06-30" in page.content
    client.force_login(reviewer)
    page = client.get(reverse("reports:mine"))
    assert reverse("reports:request", args=["program_report"]).encode() not in page.content
    assert reverse("reports:request", args=["site_engagement"]).encode() in page.content
    assert reverse("reports:detail", args=[report.pk]).encode() not in page.content


def test_request_form_refuses_a_range_over_five_years(client, program_admin):
    client.force_login(program_admin)
    response = client.post(
        reverse("reports:request", args=["program_report"]),
        {"cohort": "", "start": "2015-01-01", "end": "2025-01-01"},
    )
    assert response.context["form"].errors["end"] == ["Choose a range of at most five years."]
    assert not Report.objects.exists()


def test_program_report_leaves_out_a_withdrawn_site(program_data, program_admin):
    # Issue 13 item 6: a reversed selection's site no longer counts in the report.
    from sites.services import site_withdraw

    site_withdraw(site=program_data["quiet"], reason="Selection reversed.", actor=program_admin)
    context = program_report_context(Report(kind="program_report", params=PARAMS))
    assert context["totals"]["sites"] == 2
    assert program_data["quiet"].pk not in {site.pk for site in context["sites"]}
