"""6. Section 1373 certification by the chief legal officer, or why it cannot be made.

What was signed (text version, hash, signer, time, address) is stamped at submission
by `application_submit`; this section keeps the draft's answers.
"""

from ..forms import CertificationForm
from ..models import Application, Certification
from ..texts import SECTION_1373_SUMMARY
from .base import Section, own_keys, save_row

FIELDS = (
    "clo_name",
    "clo_title",
    "clo_email",
    "certifies",
    "typed_signature",
    "cannot_certify_explanation",
)


def missing(app: Application) -> list[str]:
    cert = getattr(app, "certification", None)
    if cert is None:
        return ["Chief legal officer's name, title and email", "Certify or explain why not"]
    gaps = []
    for attr, label in (("clo_name", "name"), ("clo_title", "title"), ("clo_email", "email")):
        if not getattr(cert, attr):
            gaps.append(f"Chief legal officer's {label}")
    if cert.certifies is None:
        gaps.append("Certify or explain why not")
    elif cert.certifies and not cert.typed_signature:
        gaps.append("Typed signature")
    elif cert.certifies is False and not cert.cannot_certify_explanation.strip():
        gaps.append("Explanation of why the jurisdiction cannot certify")
    return gaps


def forms(app: Application, data=None) -> list:
    cert = getattr(app, "certification", None)
    return [CertificationForm(data, initial=CertificationForm.initial_from(cert))]


def cleaned(forms: list) -> dict:
    form = forms[0]
    data = form.cleaned_data
    return {
        "clo_name": data["clo_name"].strip(),
        "clo_title": data["clo_title"].strip(),
        "clo_email": data["clo_email"],
        "certifies": form.certifies,
        "typed_signature": " ".join(data["typed_signature"].split()) if form.certifies else "",
        "cannot_certify_explanation": data["cannot_certify_explanation"].strip()
        if form.certifies is False
        else "",
    }


def save(locked: Application, data: dict, actor) -> list[str]:
    cert = Certification.objects.filter(application=locked).first() or Certification(
        application=locked
    )
    for name in own_keys(data, FIELDS, "certification"):
        setattr(cert, name, data[name])
    save_row(cert, actor)
    return []


def snapshot(app: Application) -> dict:
    cert = getattr(app, "certification", None)
    text = app.cycle.certification_text
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
    }


def context(app: Application) -> dict:
    return {
        "certification_text": app.cycle.certification_text,
        "section_1373_summary": SECTION_1373_SUMMARY,
    }


SECTION = Section(
    key="certification",
    title="Section 1373 certification",
    missing=missing,
    snapshot_key="certification",
    snapshot=snapshot,
    summary_template="applications/sections/certification_summary.html",
    # One row per SOI: joined, not a separate query.
    select_related=("certification", "cycle__certification_text"),
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/certification.html",
    context=context,
)
