"""The frozen, canonical copy of a submitted SOI and its SHA-256 digest.

Canonical JSON (sorted keys, no whitespace, UTF-8, numbers that are not integers as
strings) so the same content always gives the same digest, on any database.
"""

import hashlib
import json
from decimal import Decimal

from .models import Application
from .sections import SECTIONS

SNAPSHOT_FORMAT = 1


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
