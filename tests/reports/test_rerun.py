"""Re-running a failed report: who may (button on the report page) and the operators' command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(applicant, render_now):
    report = render_now("test-bad-data", {"district": "no rows"}, applicant)
    assert report.status == Report.Status.FAILED
    return report


def fix_data(report):
    # The cause of the failure is gone (here: the parameters are now good).
    Report.objects.filter(pk=report.pk).update(kind="test-figures", params={"rows": 1})


def test_the_requester_sees_the_button_and_reruns_their_own_report(
    client, applicant, failed, django_capture_on_commit_callbacks
):
    fix_data(failed)
    client.force_login(applicant)
    page = client.get(reverse("reports:detail", args=[failed.pk]))
    assert b"Produce this report again" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:rerun", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Report.Status.READY
    assert failed.history.filter(status="queued").latest().history_user == applicant


def test_the_requester_may_not_rerun_a_kind_they_cannot_request(client, applicant, render_now):
    report = render_now("test-must-deliver", {}, applicant)  # system-only, like a receipt
    client.force_login(applicant)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert b"Produce this report again" not in page.content
    assert client.post(reverse("reports:rerun", args=[report.pk])).status_code == 403


def test_a_program_admin_may_rerun_any_failed_report(
    client, program_admin, applicant, render_now, django_capture_on_commit_callbacks
):
    report = render_now("test-must-deliver", {}, applicant)
    Report.objects.filter(pk=report.pk).update(kind="test-figures", params={"rows": 1})
    client.force_login(program_admin)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert b"Produce this report again" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("reports:rerun", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.READY


def test_another_user_gets_404(client, other_applicant, failed):
    client.force_login(other_applicant)
    assert client.post(reverse("reports:rerun", args=[failed.pk])).status_code == 404


def test_a_ready_report_has_no_button_and_refuses_a_rerun(client, applicant, render_now):
    report = render_now("test-figures", {"rows": 1}, applicant)
    client.force_login(applicant)
    assert (
        b"Produce this report again"
        not in client.get(reverse("reports:detail", args=[report.pk])).content
    )
    assert client.post(reverse("reports:rerun", args=[report.pk])).status_code == 403


def test_rerun_needs_post(client, applicant, failed):
    client.force_login(applicant)
    assert client.get(reverse("reports:rerun", args=[failed.pk])).status_code == 405


def test_the_command_reruns_by_filters_and_lists_on_dry_run(
    applicant, render_now, django_capture_on_commit_callbacks
):
    bad = render_now("test-bad-data", {"district": "x"}, applicant)
    broken = render_now("test-broken-template", {}, applicant)
    fix_data(bad)

    out = StringIO()
    call_command("reports_rerun", "--error-contains", "KeyError", "--dry-run", stdout=out)
    assert f"would re-run {bad.pk}" in out.getvalue() and str(broken.pk) not in out.getvalue()
    assert Report.objects.get(pk=bad.pk).status == Report.Status.FAILED  # dry run

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "reports_rerun",
            "--kind", "test-figures",
            "--failed-since", timezone.localdate().isoformat(),
            stdout=out,
        )  # fmt: skip
    assert "re-ran 1 report(s)" in out.getvalue()
    assert Report.objects.get(pk=bad.pk).status == Report.Status.READY
    assert Report.objects.get(pk=broken.pk).status == Report.Status.FAILED


def test_the_command_refuses_to_run_without_a_filter():
    with pytest.raises(CommandError, match="at least one filter"):
        call_command("reports_rerun")
