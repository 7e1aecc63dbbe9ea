"""The frozen, canonical copy of a submitted SOI and its SHA-256 digest.

Canonical JSON (sorted keys, no whitespace, UTF-8, numbers that are not integers as
strings) so the same content always gives the same digest, on any database.
"""

import hashlib
import json
from decimal import Decimal

from accounts.geography import STATE_CHOICES
from accounts.models import Jurisdiction
from program.districts import JUDICIAL_DISTRICTS
from program.focus_areas import FocusArea

from .crime import ratio_to_national
from .models import Application, Contact, CrimeFigures, IceAnswer, Letter

SNAPSHOT_FORMAT = 1


def canonical_json(data) -> str:
    def default(value):
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"Not serialisable in a snapshot: {type(value).__name__}")

    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default
    )


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def snapshot_digest(data) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def build_snapshot(application: Application) -> dict:
    """Every answer of the SOI, with the texts (and their versions) it answered.

    Returned as plain JSON values (decimals as strings), exactly as a JSONField stores
    and returns them, so a stored snapshot and a rebuilt one digest the same.
    """
    return json.loads(canonical_json(_snapshot_data(application)))


def _snapshot_data(application: Application) -> dict:
    cycle = application.cycle
    jurisdiction = application.jurisdiction
    national = cycle.national_rate
    contacts = {c.role: c for c in application.contacts.all()}
    cert = getattr(application, "certification", None)
    cert_text = cycle.certification_text
    questions = cycle.question_set
    answers = {a.question_number: a for a in application.ice_answers.all()}
    return {
        "format": SNAPSHOT_FORMAT,
        "reference_number": application.reference_number,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "submitted_by": application.submitted_by.email if application.submitted_by else None,
        "cycle": {
            "id": cycle.pk,
            "name": cycle.name,
            "year": cycle.year,
            "closes_at": cycle.closes_at.isoformat(),
        },
        "jurisdiction": {
            "id": jurisdiction.pk,
            "legal_name": jurisdiction.name,
            "type": jurisdiction.kind,
            "type_label": _label(Jurisdiction.Kind.choices, jurisdiction.kind),
            "state": jurisdiction.state,
            "state_name": _label(STATE_CHOICES, jurisdiction.state),
            "population": application.population,
            "population_year": application.population_year,
            "lead_agency_name": application.lead_agency_name,
            "lead_agency_ori": application.lead_agency_ori,
            "judicial_district": application.judicial_district,
            "judicial_district_name": _label(JUDICIAL_DISTRICTS, application.judicial_district),
            "uei": application.uei,
        },
        # A list in filing order (a dict's keys would be sorted by the canonical JSON).
        "contacts": [
            {
                "role": role,
                "role_label": _label(Contact.Role.choices, role),
                "name": contacts[role].name if role in contacts else "",
                "title": contacts[role].title if role in contacts else "",
                "email": contacts[role].email if role in contacts else "",
                "phone": contacts[role].phone if role in contacts else "",
            }
            for role in Contact.Role.values
        ],
        "crime": {
            "national_rate": {
                "year": national.year,
                "rate": national.rate,
                "source_edition": national.source_edition,
            },
            "years": [
                {
                    "year": row.year,
                    "murder": row.murder,
                    "rape": row.rape,
                    "robbery": row.robbery,
                    "aggravated_assault": row.aggravated_assault,
                    "population": row.population,
                    "data_source": row.data_source,
                    "data_source_label": _label(CrimeFigures.Source.choices, row.data_source),
                    "rate": row.rate,
                    "ratio_to_national": ratio_to_national(row.rate, national.rate),
                }
                for row in sorted(application.crime_figures.all(), key=lambda r: r.year)
            ],
        },
        "narrative": {
            "problem": application.narrative_problem,
            "strategies": application.narrative_strategies,
            "partnerships": application.narrative_partnerships,
            "leadership": application.narrative_leadership,
            "tta": application.narrative_tta,
            "tta_focus_areas": [a for a in FocusArea.values if a in application.tta_focus_areas],
            "tta_focus_area_labels": [
                str(a.label) for a in FocusArea if a.value in application.tta_focus_areas
            ],
        },
        "letters": [
            {
                "kind": letter.kind,
                "kind_label": _label(Letter.Kind.choices, letter.kind),
                "original_name": letter.original_name,
                "size_bytes": letter.size_bytes,
                "sha256": letter.sha256,
            }
            for letter in sorted(application.letters.all(), key=lambda x: (x.kind, x.pk))
        ],
        "certification": {
            "text_version": cert_text.version,
            "text_sha256": cert_text.sha256,
            "text": cert_text.text,
            "clo_name": cert.clo_name if cert else "",
            "clo_title": cert.clo_title if cert else "",
            "clo_email": cert.clo_email if cert else "",
            "certifies": cert.certifies if cert else None,
            "typed_signature": cert.typed_signature if cert else "",
            "cannot_certify_explanation": cert.cannot_certify_explanation if cert else "",
        },
        "ice_questions": {
            "version": questions.version,
            "sha256": questions.sha256,
            "answers": [
                {
                    "number": number,
                    "question": text,
                    "answer": answers[number].answer if number in answers else "",
                    "answer_label": (
                        str(IceAnswer.Answer(answers[number].answer).label)
                        if number in answers and answers[number].answer
                        else ""
                    ),
                    "explanation": answers[number].explanation if number in answers else "",
                }
                for number, text in questions.questions
            ],
        },
        "attestation": application.attestation,
    }
