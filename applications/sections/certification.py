"""6. Section 1373 certification, signed by the chief legal officer personally.

The applicant names the officer (name, title, email) and sends a signing request
(applications.services.signatures); the officer signs as themselves on their own page
(applications.views.signing). The certification's answers on the section row
(certifies, typed signature, explanation, signer, time, address, text version) are
copied from the officer's signature and cleared when a later edit supersedes it.
"""

from datetime import datetime

from django.db.models import Prefetch

from ..forms import CertificationForm
from ..models import Application, Certification, SignatureRequest
from ..texts import SECTION_1373_SUMMARY
from .base import Section, own_keys, save_row

FIELDS = ("clo_name", "clo_title", "clo_email")
SIGNATURE_MISSING = "Signature of the chief legal officer named"


def current_signature(app: Application) -> SignatureRequest | None:
    """The officer's signature if it still stands and was made by the officer named."""
    cert = getattr(app, "certification", None)
    signature = cert.signature if cert is not None else None
    if signature is None or signature.status != SignatureRequest.Status.SIGNED:
        return None
    if signature.officer_email.lower() != (cert.clo_email or "").lower():
        return None
    return signature


def missing(app: Application) -> list[str]:
    cert = getattr(app, "certification", None)
    if cert is None:
        return ["Chief legal officer's name, title and email", SIGNATURE_MISSING]
    gaps = []
    for attr, label in (("clo_name", "name"), ("clo_title", "title"), ("clo_email", "email")):
        if not getattr(cert, attr):
            gaps.append(f"Chief legal officer's {label}")
    # `signature` is set only by the officer's signing service and cleared whenever the
    # signature stops covering the SOI or the officer named changes (services.signatures),
    # so its id alone says a current signature stands; the answer fields are its copy.
    # Reading ids and copies keeps this free of queries wherever "certification" is joined.
    if cert.signature_id is None:
        gaps.append(SIGNATURE_MISSING)
    elif cert.certifies is None:
        gaps.append("Certify or explain why not")
    elif cert.certifies is False and not cert.cannot_certify_explanation.strip():
        gaps.append("Explanation of why the jurisdiction cannot certify")
    return gaps


def forms(app: Application, data=None) -> list:
    cert = getattr(app, "certification", None)
    return [CertificationForm(data, initial=CertificationForm.initial_from(cert), application=app)]


def cleaned(forms: list) -> dict:
    data = forms[0].cleaned_data
    return {
        "clo_name": " ".join(data["clo_name"].split()),
        "clo_title": data["clo_title"].strip(),
        "clo_email": data["clo_email"].lower(),
    }


def save(locked: Application, data: dict, actor) -> list[str]:
    cert = Certification.objects.filter(application=locked).first() or Certification(
        application=locked
    )
    before = (cert.clo_name, cert.clo_email.lower())
    for name in own_keys(data, FIELDS, "certification"):
        setattr(cert, name, data[name])
    save_row(cert, actor)
    if (cert.clo_name, cert.clo_email.lower()) != before:
        # A pending link sent to someone else must not stay usable.
        from ..services.signatures import signature_requests_cancel_pending

        signature_requests_cancel_pending(application=locked, actor=actor)
    return []


def snapshot(app: Application) -> dict:
    cert = getattr(app, "certification", None)
    text = app.cycle.certification_text
    signature = current_signature(app)
    return {
        "text_version": text.version,
        "text_sha256": text.sha256,
        "text": text.text,
        "clo_name": cert.clo_name if cert else "",
        "clo_title": cert.clo_title if cert else "",
        "clo_email": cert.clo_email if cert else "",
        "certifies": cert.certifies if cert else None,
        "typed_signature": cert.typed_signature if cert else "",
        "cannot_certify_explanation": cert.cannot_certify_explanation if cert else "",
        "signature": {
            "signer_name": signature.signer_name,
            "signer_email": signature.signer.email,
            "title": signature.officer_title,
            "signed_at": signature.signed_at.isoformat(),
            "text_version": signature.text_version.version,
            "text_sha256": signature.text_sha256,
            "content_sha256": signature.content_sha256,
        }
        if signature
        else None,
    }


def latest_request(app: Application) -> SignatureRequest | None:
    """The latest request not replaced by a resend (from the prefetch)."""
    requests = getattr(app, "live_signature_requests", None)
    return requests[0] if requests else None


def context(app: Application) -> dict:
    return {
        "certification_text": app.cycle.certification_text,
        "section_1373_summary": SECTION_1373_SUMMARY,
        "signing_request": latest_request(app),
        "signature": current_signature(app),
    }


SECTION = Section(
    key="certification",
    title="Section 1373 certification",
    missing=missing,
    snapshot_key="certification",
    snapshot=snapshot,
    summary_template="applications/sections/certification_summary.html",
    # One row per SOI: joined, not a separate query.
    select_related=(
        "certification__signature__signer",
        "certification__signature__text_version",
        "cycle__certification_text",
    ),
    prefetch_related=(
        Prefetch(
            "signature_requests",
            queryset=SignatureRequest.objects.exclude(status=SignatureRequest.Status.REPLACED)
            .select_related("signer")
            .order_by("-sent_at", "-pk"),
            to_attr="live_signature_requests",
        ),
    ),
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/certification.html",
    context=context,
)


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if email else ""


def signature_for_staff(app: Application, part: dict) -> dict | None:
    """Who signed and when (from the summary part), and whether the signer's email domain
    differs from every other contact's: a flag for staff to look at, never a block."""
    signature = (part or {}).get("signature")
    if not signature:
        return None
    others = {
        _domain(contact.email)
        for contact in app.contacts.all()  # prefetched by with_sections
        if contact.email and contact.role != contact.Role.CHIEF_LEGAL_OFFICER
    }
    domain = _domain(signature["signer_email"])
    return {
        **signature,
        "signed_at": datetime.fromisoformat(signature["signed_at"]),
        "domain": domain,
        "other_domains": sorted(others),
        "domain_mismatch": bool(others) and domain not in others,
    }
