"""Report pages: who may see what (owner, kind.can_view, others 404), JSON status, download."""

import socket
import time

import pytest
from django.urls import reverse

from reports.models import DEFAULT_MARKING, Report, ReportSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_report(applicant, render_now):
    return render_now("test-figures", {"rows": 3, "district": "District of Testing"}, applicant)


@pytest.fixture
def failed_report(applicant, render_now):
    return render_now("test-broken-template", {}, applicant)


def urls_for(report):
    return {
        name: reverse(f"reports:{name}", args=[report.pk])
        for name in ("detail", "status", "download")
    }


# --- detail / status / download -------------------------------------------------


def test_owner_sees_status_page_json_and_downloads_the_pdf(client, applicant, ready_report):
    client.force_login(applicant)
    urls = urls_for(ready_report)

    page = client.get(urls["detail"])
    assert page.status_code == 200
    assert b"Your report is ready" in page.content
    assert urls["download"].encode() in page.content
    assert b'aria-live="polite"' in page.content
    assert b"js/report-status.js" in page.content

    status = client.get(urls["status"])
    assert status.status_code == 200
    assert status.json() == {
        "status": "ready",
        "status_label": "Ready",
        "finished": True,
        "download_url": urls["download"],
        "page_count": ready_report.page_count,
    }

    download = client.get(urls["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"] == f'attachment; filename="figures-{ready_report.pk}.pdf"'
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_user_the_kind_lets_view_may_see_and_download(client, selecting_official, ready_report):
    # The test kind lets holders of reports.request_program_reports view any report.
    client.force_login(selecting_official)
    for url in urls_for(ready_report).values():
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["detail", "status", "download"])
def test_another_user_gets_404(client, other_applicant, liaison, ready_report, name):
    url = urls_for(ready_report)[name]
    for user in (other_applicant, liaison):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["detail", "status", "download"])
def test_anonymous_is_sent_to_sign_in(client, ready_report, name):
    response = client.get(urls_for(ready_report)[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_report_id_is_404(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("reports:detail", args=[424242])).status_code == 404


def test_queued_report_shows_progress_refresh_link_and_no_download(
    client, applicant, django_capture_on_commit_callbacks
):
    from reports.services import report_request

    with django_capture_on_commit_callbacks():  # not run: stays queued
        report = report_request(kind="test-figures", params={"rows": 1}, actor=applicant)
    client.force_login(applicant)
    urls = urls_for(report)
    page = client.get(urls["detail"])
    assert b"Your report is queued" in page.content
    assert b"Refresh this page" in page.content
    assert client.get(urls["status"]).json()["download_url"] is None
    assert client.get(urls["download"]).status_code == 404


def test_owner_who_lost_access_to_the_data_sees_status_but_cannot_download(
    client, applicant, render_now
):
    # The system-only kind lets only program staff view; the applicant is still the requester.
    report = render_now("test-system-only", {"rows": 1}, applicant)
    client.force_login(applicant)
    urls = urls_for(report)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["status"]).json()["download_url"] is None
    assert client.get(urls["download"]).status_code == 404


def test_staff_see_the_error_of_a_failed_report(client, selecting_official, failed_report):
    client.force_login(selecting_official)
    page = client.get(reverse("reports:detail", args=[failed_report.pk]))
    assert b"TemplateSyntaxError" in page.content
    assert b"could not be produced" in page.content


def test_the_requester_gets_a_neutral_message_without_the_error(client, applicant, failed_report):
    client.force_login(applicant)
    page = client.get(reverse("reports:detail", args=[failed_report.pk]))
    assert b"could not be produced" in page.content
    assert b"TemplateSyntaxError" not in page.content
    status = client.get(reverse("reports:status", args=[failed_report.pk])).json()
    assert status["status"] == "failed" and "error" not in status


# --- my reports --------------------------------------------------------------------


def test_my_reports_lists_only_my_reports(client, applicant, other_applicant):
    mine = Report.objects.create(kind="test-figures", params={}, requested_by=applicant)
    theirs = Report.objects.create(kind="test-figures", params={}, requested_by=other_applicant)
    client.force_login(applicant)
    page = client.get(reverse("reports:mine"))
    assert page.status_code == 200
    assert reverse("reports:detail", args=[mine.pk]).encode() in page.content
    assert reverse("reports:detail", args=[theirs.pk]).encode() not in page.content
    assert b"Test figures report" in page.content
    assert b"My reports" in page.content  # the navigation entry


def test_my_reports_needs_sign_in(client):
    response = client.get(reverse("reports:mine"))
    assert response.status_code == 302


@pytest.mark.parametrize("count", [5, 50])
def test_my_reports_runs_a_fixed_number_of_queries(
    client, applicant, django_assert_max_num_queries, count
):
    Report.objects.bulk_create(
        Report(kind="test-figures", params={"rows": n}, requested_by=applicant)
        for n in range(count)
    )
    client.force_login(applicant)
    client.get(reverse("dashboard"))  # the once-a-minute session activity write happens here
    # session, user, user + group permissions (MFA middleware and navigation), the
    # reports: the same for 5 or 50 reports.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("reports:mine"))
    assert response.content.count(b'href="/reports/') >= count


# --- request ----------------------------------------------------------------------


def test_request_form_shows_the_kind_form(client, applicant):
    client.force_login(applicant)
    page = client.get(reverse("reports:request", args=["test-figures"]))
    assert page.status_code == 200
    assert b"Request: Test figures report" in page.content
    assert b'name="district"' in page.content and b'name="rows"' in page.content


def test_request_creates_the_report_and_goes_to_its_status_page(
    client, applicant, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request", args=["test-figures"]),
            {"district": "Eastern District of Testing", "rows": "4"},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.params == {"district": "Eastern District of Testing", "rows": 4}
    assert report.requested_by == applicant
    assert report.status == Report.Status.READY  # eager in tests


def test_request_with_bad_input_keeps_what_was_typed_and_says_why(client, applicant):
    client.force_login(applicant)
    page = client.post(
        reverse("reports:request", args=["test-figures"]),
        {"district": "Secret District", "rows": "9999"},
    )
    assert page.status_code == 200
    assert b"You may not request reports on this district." in page.content
    assert b"less than or equal to 500" in page.content
    assert b'value="Secret District"' in page.content
    assert not Report.objects.exists()


def test_request_of_an_unknown_or_system_only_kind_is_404(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("reports:request", args=["no-such-kind"])).status_code == 404
    assert client.get(reverse("reports:request", args=["test-system-only"])).status_code == 404


def test_request_of_a_kind_the_role_may_not_request_is_403(client, applicant, selecting_official):
    url = reverse("reports:request", args=["test-program-only"])
    client.force_login(applicant)
    assert client.get(url).status_code == 403
    assert client.post(url, {"district": "X", "rows": "1"}).status_code == 403
    client.force_login(selecting_official)
    assert client.get(url).status_code == 200


def test_request_needs_sign_in(client):
    response = client.get(reverse("reports:request", args=["test-figures"]))
    assert response.status_code == 302


def test_request_completes_quickly_and_stays_queued_when_the_broker_is_down(
    client, applicant, broker_at, django_capture_on_commit_callbacks
):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client.force_login(applicant)
    with broker_at(f"redis://127.0.0.1:{port}/3"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reports:request", args=["test-figures"]),
                {"district": "D", "rows": "1"},
            )
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 10, f"the request took {elapsed:.1f} s with the broker down"
    report = Report.objects.get()
    assert report.status == Report.Status.QUEUED and report.attempts == 0


# --- settings ---------------------------------------------------------------------


SETTINGS_FORM = {
    "marking": "CUI",
    "controlled_by": "U.S. Department of Justice, OJP, BJA",
    "cui_category": "General Privacy",
    "dissemination": "FEDCON",
    "point_of_contact": "PSP program office",
    "signatory_name": "",
    "signatory_title": "",
}


def test_program_admin_changes_the_marking(client, program_admin):
    client.force_login(program_admin)
    url = reverse("reports:settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {**SETTINGS_FORM, "marking": "  CUI //  SP-PRIV  "})
    assert response.status_code == 302
    assert ReportSettings.load().marking == "CUI // SP-PRIV"


def test_a_blank_marking_is_refused_beside_the_field(client, program_admin):
    client.force_login(program_admin)
    page = client.post(reverse("reports:settings"), {**SETTINGS_FORM, "marking": "   "})
    assert page.status_code == 200
    assert b"This field is required." in page.content
    assert ReportSettings.load().marking == DEFAULT_MARKING


@pytest.mark.parametrize("role", ["applicant", "reviewer", "selecting_official", "liaison"])
def test_other_roles_may_not_change_report_settings(client, request, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("reports:settings")
    assert client.get(url).status_code == 403
    assert client.post(url, {"marking": "X"}).status_code == 403
    assert ReportSettings.load().marking == DEFAULT_MARKING
