"""The frozen, canonical copy of a submitted SOI and its SHA-256 digest.

Canonical JSON (sorted keys, no whitespace, UTF-8, numbers that are not integers as
strings) so the same content always gives the same digest, on any database.
"""

import hashlib
import json
from decimal import Decimal

from .models import Application
from .sections import SECTIONS

SNAPSHOT_FORMAT = 2


def canonical_json(data) -> str:
    def default(value):
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"Not serialisable in a snapshot: {type(value).__name__}")

    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default
    )


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
    data = {
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
        "attestation": application.attestation,
    }
    # Each section contributes its own part (see applications.sections).
    for section in SECTIONS:
        data[section.snapshot_key] = section.snapshot(application)
    return data


# What the chief legal officer's signature covers: every answer, and the officer named,
# but not the signature itself nor the submission stamps (set later, by the submitter).
_NOT_CONTENT = ("reference_number", "submitted_at", "submitted_by", "attestation")
_CERTIFICATION_CONTENT = (
    "text_version",
    "text_sha256",
    "text",
    "clo_name",
    "clo_title",
    "clo_email",
)


def content_digest(application: Application) -> str:
    """SHA-256 of the SOI's content as the officer signs it. Prefetch sections first."""
    data = json.loads(canonical_json(_snapshot_data(application)))
    for key in _NOT_CONTENT:
        data.pop(key, None)
    certification = data.get("certification") or {}
    data["certification"] = {key: certification.get(key) for key in _CERTIFICATION_CONTENT}
    return snapshot_digest(data)
