"""Helpers behind tests/factories.py: valid section data and the seeded text versions.

Kept in the app (not tests/) so the demo loader can reuse them; nothing here runs in
production requests.
"""

import io
import secrets

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from program.focus_areas import FocusArea

from .crime import violent_crime_rate
from .models import (
    Application,
    Certification,
    CertificationText,
    Contact,
    CrimeFigures,
    IceAnswer,
    IceQuestionSet,
    Letter,
    SignatureRequest,
)
from .sections import SECTIONS, with_sections
from .snapshot import build_snapshot, content_digest, snapshot_digest
from .texts import (
    CERTIFICATION_V1,
    CERTIFICATION_V1_VERSION,
    ICE_QUESTIONS_V1,
    ICE_QUESTIONS_V1_VERSION,
)


def now():
    return timezone.now()


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def certification_text_v1() -> CertificationText:
    # get_or_create: transactional tests flush the rows the data migration seeded.
    text, _ = CertificationText.objects.get_or_create(
        version=CERTIFICATION_V1_VERSION,
        defaults={"text": CERTIFICATION_V1, "effective_date": "2017-08-03"},
    )
    if not text.sha256:
        text.sha256 = text.compute_sha256()
        text.save(update_fields=["sha256"])
    return text


def question_set_v1() -> IceQuestionSet:
    q1, q2, q3 = ICE_QUESTIONS_V1
    qs, _ = IceQuestionSet.objects.get_or_create(
        version=ICE_QUESTIONS_V1_VERSION,
        defaults={
            "question_1": q1,
            "question_2": q2,
            "question_3": q3,
            "effective_date": "2017-08-03",
        },
    )
    if not qs.sha256:
        qs.sha256 = qs.compute_sha256()
        qs.save(update_fields=["sha256"])
    return qs


# Toledo-like figures: 2,000 violent crimes in 270,000 people (740.7 per 100,000).
CRIME_ROW = {
    "murder": 40,
    "rape": 160,
    "robbery": 500,
    "aggravated_assault": 1300,
    "population": 270000,
    "data_source": CrimeFigures.Source.UCR_NIBRS,
}


def fill_sections(application: Application, freeze: bool = False) -> None:
    """Make every section complete (test and demo data); freeze submitted ones."""
    application.population = 270000
    application.population_year = application.cycle.year - 1
    application.lead_agency_name = "Testville Police Department"
    application.lead_agency_ori = "OH0570100"
    application.judicial_district = "OHN"
    application.narrative_problem = "Shootings concentrated in three neighborhoods."
    application.narrative_strategies = "Project Safe Neighborhoods focused deterrence."
    application.narrative_partnerships = "USAO, ATF, county prosecutor."
    application.narrative_leadership = "The mayor and chief committed staff time."
    application.narrative_tta = "Crime analysis and gun violence help."
    application.tta_focus_areas = [FocusArea.CRIME_ANALYSIS, FocusArea.GUN_VIOLENCE]
    application.section_saves = {
        key: {"version": 1, "at": now().isoformat(), "by": "factory"}
        for key in (section.key for section in SECTIONS if section.has_form)
    }
    application.save()
    for role in Contact.Role.values:
        Contact.objects.create(
            application=application,
            role=role,
            name=f"{role} person",
            title="Official",
            email=f"{role}@example.gov",
            phone="202-555-0147",
        )
    total = sum(CRIME_ROW[k] for k in ("murder", "rape", "robbery", "aggravated_assault"))
    for year in application.cycle.crime_years:
        CrimeFigures.objects.create(
            application=application,
            year=year,
            **CRIME_ROW,
            rate=violent_crime_rate(total, CRIME_ROW["population"]),
        )
    for kind in Letter.REQUIRED_KINDS:
        letter = Letter(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            size_bytes=len(pdf_bytes()),
            sha256="0" * 64,
            uploaded_by=application.created_by,
        )
        letter.file.save("letter.pdf", ContentFile(pdf_bytes()), save=False)
        letter.save()
    Certification.objects.create(
        application=application,
        clo_name="Pat Counsel",
        clo_title="City Attorney",
        clo_email="counsel@example.gov",
    )
    qs = application.cycle.question_set
    for number in (1, 2, 3):
        IceAnswer.objects.create(
            application=application,
            question_number=number,
            answer=IceAnswer.Answer.NOT_APPLICABLE,
            explanation="The county, not the city, runs the jail.",
            question_set=qs,
        )
    sign_as_officer(application)
    if freeze and application.status != Application.Status.DRAFT:
        _freeze(application)


def officer_account(email: str, full_name: str):
    """The chief legal officer's own account, with a verified address."""
    from allauth.account.models import EmailAddress

    from accounts.models import User

    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    return user


def sign_as_officer(application: Application, *, certifies: bool = True, explanation: str = ""):
    """Record the named officer's signature over the SOI as it stands (test and demo data).

    Mirrors applications.services.signatures.signature_sign without a mailed link."""
    cert = Certification.objects.get(application=application)
    officer = officer_account(cert.clo_email, cert.clo_name)
    full = with_sections(Application.objects.filter(pk=application.pk)).get()
    text = full.cycle.certification_text
    at = now()
    signing = SignatureRequest.objects.create(
        application=application,
        officer_name=cert.clo_name,
        officer_title=cert.clo_title,
        officer_email=cert.clo_email,
        token_sha256=secrets.token_hex(32),
        requested_by=application.created_by,
        status=SignatureRequest.Status.SIGNED,
        opened_at=at,
        signer=officer,
        certifies=certifies,
        cannot_certify_explanation="" if certifies else explanation,
        typed_name=officer.full_name,
        signer_name=officer.full_name,
        text_version=text,
        text_sha256=text.sha256,
        content_sha256=content_digest(full),
        signed_at=at,
        signer_ip="192.0.2.10",
        signer_user_agent="factory",
    )
    cert.signature = signing
    cert.certifies = certifies
    cert.typed_signature = officer.full_name if certifies else ""
    cert.cannot_certify_explanation = "" if certifies else explanation
    cert.signer, cert.signed_at, cert.signer_ip = officer, at, "192.0.2.10"
    cert.text_version, cert.text_sha256 = text, text.sha256
    cert.save()
    return signing


def _freeze(application: Application) -> None:
    """Give a factory-made submitted SOI the snapshot a real submit would store."""
    application.submitted_by = application.created_by
    fresh = Application.objects.get(pk=application.pk)
    fresh.reference_number = application.reference_number
    fresh.submitted_at = application.submitted_at
    fresh.submitted_by = application.submitted_by
    fresh.attestation = True
    application.snapshot = build_snapshot(fresh)
    application.snapshot_sha256 = snapshot_digest(application.snapshot)
    application.save()
