"""Every upload the validator refuses is kept in the audit table (SecurityEvent).

The views of the upload forms (the validator's callers) call
accounts.audit.upload_refusals_record; each has a test here that fails without it. The
row names who, from where, the file's name and the rule's code; never the content.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import SecurityEvent
from applications.models import Letter
from outcomes.models import OutcomeImport
from tests.factories import ApplicationFactory, EngagementFactory, SiteFactory
from tests.uploads import corpus

pytestmark = pytest.mark.django_db

IP = "192.0.2.44"


def refusal():
    (event,) = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.UPLOAD_REFUSED)
    return event


def test_a_refused_letter_is_recorded_with_its_name_and_rule_not_its_content(client, applicant):
    draft = ApplicationFactory(jurisdiction=applicant.jurisdiction, created_by=applicant)
    client.force_login(applicant)
    content = corpus.pdf_with_javascript_open_action()
    response = client.post(
        reverse("applications:letters", args=[draft.pk]),
        {"kind": "chief_executive", "file": SimpleUploadedFile("mayor.pdf", content)},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 200
    assert not Letter.objects.filter(application=draft).exists()
    event = refusal()
    assert (event.actor, event.ip) == (applicant, IP)
    assert event.detail == "Letter of commitment 'mayor.pdf': javascript"
    assert "app.alert" not in event.detail


def test_a_letter_form_without_a_file_is_not_a_refused_upload(client, applicant):
    draft = ApplicationFactory(jurisdiction=applicant.jurisdiction, created_by=applicant)
    client.force_login(applicant)
    client.post(reverse("applications:letters", args=[draft.pk]), {"kind": "chief_executive"})
    assert not SecurityEvent.objects.exists()


def test_an_accepted_letter_records_nothing(client, applicant):
    draft = ApplicationFactory(jurisdiction=applicant.jurisdiction, created_by=applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("applications:letters", args=[draft.pk]),
        {"kind": "chief_executive", "file": SimpleUploadedFile("ok.pdf", corpus.pdf_good())},
    )
    assert response.status_code == 302
    assert not SecurityEvent.objects.exists()


def test_a_refused_engagement_attachment_is_recorded(client, liaison):
    engagement = EngagementFactory(site=SiteFactory(liaison=liaison))
    client.force_login(liaison)
    response = client.post(
        reverse("engagements:attach", args=[engagement.pk]),
        {"file": SimpleUploadedFile("agenda.docx", corpus.docx_with_macros())},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 200
    assert not engagement.attachments.exists()
    event = refusal()
    assert (event.actor, event.ip) == (liaison, IP)
    assert event.detail.startswith("Engagement attachment 'agenda.docx': ")


def test_a_refused_engagement_import_is_recorded(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("engagements:import"),
        {"file": SimpleUploadedFile("rows.csv", corpus.pdf_good())},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 200
    event = refusal()
    assert event.actor == liaison
    assert event.detail == "Engagement import 'rows.csv': bad_type"


def test_an_outcome_import_with_a_nul_byte_is_refused_by_the_validator_and_recorded(
    client, program_admin
):
    # Before: only the size was checked, so a NUL byte reached the text column (a 500).
    client.force_login(program_admin)
    response = client.post(
        reverse("outcomes:import"),
        {"file": SimpleUploadedFile("figures.csv", b"site_id,year\n1,2024\x00\n")},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 200
    assert not OutcomeImport.objects.exists()
    event = refusal()
    assert (event.actor, event.ip) == (program_admin, IP)
    assert event.detail == "Outcome figures import 'figures.csv': bad_type"


def test_repeated_refusals_of_one_file_add_to_one_row(client, applicant):
    draft = ApplicationFactory(jurisdiction=applicant.jurisdiction, created_by=applicant)
    client.force_login(applicant)
    for _ in range(5):
        client.post(
            reverse("applications:letters", args=[draft.pk]),
            {"kind": "chief_executive", "file": SimpleUploadedFile("x.pdf", corpus.exe())},
            REMOTE_ADDR=IP,
        )
    assert refusal().count == 5
