"""Review, submit, withdraw and the applicant dashboard through the pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from tests.factories import ApplicantFactory, ApplicationFactory, CycleFactory

pytestmark = pytest.mark.django_db


def test_review_lists_what_is_missing_with_links(client, applicant, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.factories_support import pdf_bytes

    client.force_login(applicant)
    client.post(
        reverse("applications:letters", args=[draft.pk]),
        {
            "kind": "chief_executive",
            "file": SimpleUploadedFile("mayor.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )
    client.post(
        reverse("applications:section", args=[draft.pk, "contacts"]),
        {
            "version": 2,
            "chief_executive__name": "Mayor Example",
        },
    )
    response = client.get(reverse("applications:review", args=[draft.pk]))
    html = response.content.decode()
    assert "Still missing" in html
    assert reverse("applications:section", args=[draft.pk, "crime"]) in html
    assert reverse("applications:letters", args=[draft.pk]) in html
    # Started sections list what they miss; untouched ones say "not started".
    assert "Letter from the head of the lead agency" in html
    assert "Chief executive (mayor or county executive): title, email, phone" in html
    assert "Violent-crime figures</a>: not started" in html


def test_submit_through_the_page(client, applicant, complete_draft):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:submit", args=[complete_draft.pk]),
        {"attestation": "on"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.SUBMITTED
    assert complete_draft.certification.signer_ip == "192.0.2.10"
    assert complete_draft.receipt is not None
    assert complete_draft.receipt.kind == "soi_packet"
    page = client.get(response["Location"]).content.decode()
    assert complete_draft.reference_number in page
    assert complete_draft.snapshot_sha256 in page


def test_submit_without_attestation_shows_the_error(client, applicant, complete_draft):
    client.force_login(applicant)
    response = client.post(reverse("applications:submit", args=[complete_draft.pk]), {})
    assert response.status_code == 200
    assert "Check the attestation to submit." in response.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.is_draft


def test_submit_after_deadline_refused_with_deadline(client, applicant, complete_draft):
    cycle = complete_draft.cycle
    cycle.opens_at = timezone.make_aware(datetime.datetime(2026, 2, 25, 9, 0))
    cycle.closes_at = timezone.make_aware(datetime.datetime(2026, 4, 18, 23, 59))
    cycle.save()
    client.force_login(applicant)
    response = client.post(
        reverse("applications:submit", args=[complete_draft.pk]), {"attestation": "on"}
    )
    assert response.status_code == 409
    assert "closed on April 18, 2026 at 11:59 PM ET" in response.content.decode()
    # The draft stays readable.
    assert client.get(reverse("applications:detail", args=[complete_draft.pk])).status_code == 200


def test_unverified_applicant_refused_on_submit_page(client, complete_draft):
    unverified = ApplicantFactory(jurisdiction=complete_draft.jurisdiction, verified=False)
    client.force_login(unverified)
    response = client.post(
        reverse("applications:submit", args=[complete_draft.pk]), {"attestation": "on"}
    )
    assert "Confirm your email address" in response.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.is_draft


def test_withdraw_page_requires_reason_then_withdraws(client, applicant, submitted):
    client.force_login(applicant)
    url = reverse("applications:withdraw", args=[submitted.pk])
    response = client.post(url, {"reason": ""})
    assert "Give a reason for withdrawing." in response.content.decode()
    response = client.post(url, {"reason": "Not ready this year"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.WITHDRAWN
    assert submitted.history.latest().history_user == applicant


def test_dashboard_lists_soi_and_offers_open_cycles(client, applicant, submitted):
    open_cycle = CycleFactory(name="PSP 2027 open cycle")
    CycleFactory(name="Old closed cycle", closed=True)
    client.force_login(applicant)
    html = client.get(reverse("applications:mine")).content.decode()
    assert submitted.reference_number in html
    assert "PSP 2027 open cycle" in html
    assert reverse("applications:start", args=[open_cycle.pk]) in html
    assert "Old closed cycle" not in html
    assert reverse("applications:withdraw", args=[submitted.pk]) in html


def test_start_twice_leads_to_the_existing_soi(client, applicant, draft):
    client.force_login(applicant)
    response = client.get(reverse("applications:start", args=[draft.cycle.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[draft.pk])
    response = client.post(reverse("applications:start", args=[draft.cycle.pk]))
    assert Application.objects.filter(cycle=draft.cycle).count() == 1


def test_start_creates_draft(client, applicant, cycle):
    client.force_login(applicant)
    response = client.post(reverse("applications:start", args=[cycle.pk]))
    application = Application.objects.get(cycle=cycle, jurisdiction=applicant.jurisdiction)
    assert response["Location"] == reverse("applications:section", args=[application.pk, "profile"])


def test_one_soi_per_jurisdiction_per_cycle_enforced_by_database(applicant, draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            cycle=draft.cycle, jurisdiction=draft.jurisdiction, created_by=applicant
        )


def test_new_applicant_registers_jurisdiction_when_starting(client, cycle):
    from tests.factories import UserFactory

    newcomer = UserFactory(roles=["Applicant"])
    client.force_login(newcomer)
    response = client.post(
        reverse("applications:start", args=[cycle.pk]),
        {"name": "Town of Example", "kind": "city", "state": "NC"},
    )
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.jurisdiction.name == "Town of Example"


def test_reviewer_cannot_start(client, reviewer, cycle):
    client.force_login(reviewer)
    assert client.get(reverse("applications:start", args=[cycle.pk])).status_code == 403


def test_submitted_soi_not_offered_for_editing(client, applicant):
    application = ApplicationFactory(
        jurisdiction=applicant.jurisdiction, created_by=applicant, submitted=True
    )
    client.force_login(applicant)
    response = client.get(reverse("applications:review", args=[application.pk]))
    assert response.status_code == 302
