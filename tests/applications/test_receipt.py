"""The PDF receipt through the real reports pipeline (WeasyPrint), its access and mail."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from applications.report_kinds import SOI_PACKET
from applications.services import application_submit
from reports.models import Report
from reports.services import report_render
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(applicant, complete_draft, django_capture_on_commit_callbacks):
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction)
    # Commit callbacks run the (eager) render task, as a worker would after commit.
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(
            application=complete_draft, actor=applicant, ip="203.0.113.9", attested=True
        )
    application.refresh_from_db()
    return application, colleague


def test_receipt_rendered_with_reference_digest_and_texts(receipt):
    application, _ = receipt
    report = application.receipt
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.file.read())).pages)
    flat = " ".join(text.split())
    assert application.reference_number in flat
    assert application.snapshot_sha256[:32] in flat.replace(" ", "")
    assert "2017-08" in flat
    assert "Question 3" in flat


def test_receipt_mail_goes_to_every_member_once_with_a_link(receipt):
    application, colleague = receipt
    receipt_mails = [m for m in mail.outbox if application.reference_number in m.subject]
    recipients = sorted(address for m in receipt_mails for address in m.to)
    assert recipients == sorted([application.submitted_by.email, colleague.email])
    assert all(not m.attachments for m in receipt_mails)
    assert reverse("reports:detail", args=[application.receipt_id]) in receipt_mails[0].body


def test_receipt_render_is_idempotent(receipt):
    application, _ = receipt
    before = len(mail.outbox)
    report_render(report_id=application.receipt_id)  # a redelivered task
    report = Report.objects.get(pk=application.receipt_id)
    assert report.status == Report.Status.READY
    storage = report.file.storage
    directory = report.file.name.rsplit("/", 1)[0]
    assert len(storage.listdir(directory)[1]) == 1  # one file
    assert len(mail.outbox) == before  # no second mail


def test_receipt_visible_to_applicants_and_reviewers_only(receipt, other_applicant, reviewer):
    from tests.reviews.factories import assign

    application, colleague = receipt
    report = application.receipt
    assert not SOI_PACKET.can_view(reviewer, report)  # not assigned yet
    assign(application, reviewer)
    assert SOI_PACKET.can_view(application.submitted_by, report)
    assert SOI_PACKET.can_view(colleague, report)
    assert SOI_PACKET.can_view(reviewer, report)
    assert not SOI_PACKET.can_view(other_applicant, report)


def test_receipt_urls_404_for_other_jurisdiction(client, receipt, other_applicant):
    application, _ = receipt
    client.force_login(other_applicant)
    for name in ("reports:detail", "reports:download"):
        assert client.get(reverse(name, args=[application.receipt_id])).status_code == 404


def test_applicant_downloads_receipt_from_dashboard(client, receipt):
    application, colleague = receipt
    client.force_login(colleague)
    html = client.get(reverse("applications:mine")).content.decode()
    download = reverse("reports:download", args=[application.receipt_id])
    assert download in html
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_submit_succeeds_when_the_broker_is_down(
    client, applicant, complete_draft, django_capture_on_commit_callbacks, monkeypatch
):
    from reports import tasks

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused (Redis is down)")

    monkeypatch.setattr(tasks.report_render_task, "delay", broker_down)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:submit", args=[complete_draft.pk]), {"attestation": "on"}
        )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == "submitted"
    # The receipt row waits, queued, for the sweeper to publish it again.
    assert complete_draft.receipt.status == Report.Status.QUEUED
