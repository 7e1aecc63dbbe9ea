"""Letters of commitment: PDF by content, size limit, storage path, download access."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.factories_support import pdf_bytes
from applications.models import Letter

pytestmark = pytest.mark.django_db


def upload(client, application, content, name="letter.pdf", kind="chief_executive"):
    return client.post(
        reverse("applications:letters", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_pdf_letter_uploaded_and_stored_under_random_path(client, applicant, draft):
    client.force_login(applicant)
    response = upload(client, draft, pdf_bytes(), name="Mayor letter.pdf")
    assert response.status_code == 302
    letter = Letter.objects.get(application=draft)
    assert letter.original_name == "Mayor letter.pdf"
    assert letter.uploaded_by == applicant
    assert letter.file.name.startswith("applications/letters/")
    assert "Mayor" not in letter.file.name  # the stored path does not reveal the name
    assert letter.history.latest().history_user == applicant


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 this is an executable renamed to .pdf", "This file is not a PDF"),
        (b"", "The file is empty"),
        (b"%PDF-1.7\n garbage that is not a real PDF", "This PDF could not be read"),
    ],
)
def test_bad_uploads_refused_with_reason(client, applicant, draft, content, message):
    client.force_login(applicant)
    response = upload(client, draft, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Letter.objects.filter(application=draft).exists()


def test_oversize_upload_refused(client, applicant, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(applicant)
    response = upload(client, draft, pdf_bytes() + b"%" * 2048)
    assert "the limit is 1.0 KB" in response.content.decode()
    assert not Letter.objects.filter(application=draft).exists()


def test_letter_download_by_applicant(client, applicant, draft):
    client.force_login(applicant)
    upload(client, draft, pdf_bytes())
    letter = Letter.objects.get(application=draft)
    response = client.get(reverse("applications:letter_download", args=[draft.pk, letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_letter_download_other_jurisdiction_404(client, other_applicant, submitted):
    letter = submitted.letters.first()
    client.force_login(other_applicant)
    response = client.get(reverse("applications:letter_download", args=[submitted.pk, letter.pk]))
    assert response.status_code == 404


def test_letter_download_by_reviewer_of_submitted(client, reviewer, submitted):
    from tests.reviews.factories import assign

    letter = submitted.letters.first()
    client.force_login(reviewer)
    url = reverse("applications:letter_download", args=[submitted.pk, letter.pk])
    assert client.get(url).status_code == 404  # not assigned to this reviewer
    assign(submitted, reviewer)
    assert client.get(url).status_code == 200


def test_letter_removed_from_draft(client, applicant, draft):
    client.force_login(applicant)
    upload(client, draft, pdf_bytes())
    letter = Letter.objects.get(application=draft)
    response = client.post(reverse("applications:letter_delete", args=[draft.pk, letter.pk]))
    assert response.status_code == 302
    assert not Letter.objects.filter(application=draft).exists()
    assert letter.history.filter(history_type="-").get().history_user == applicant


def test_letters_cannot_change_after_submit(client, applicant, submitted):
    client.force_login(applicant)
    assert upload(client, submitted, pdf_bytes()).status_code == 403
    letter = submitted.letters.first()
    response = client.post(reverse("applications:letter_delete", args=[submitted.pk, letter.pk]))
    assert response.status_code == 403
