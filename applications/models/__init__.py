"""Statement of Interest models, split by subject (hypha's `models/` package)."""

from .application import (
    Application,
    Certification,
    Contact,
    CrimeFigures,
    IceAnswer,
    Letter,
    ReferenceSequence,
)
from .cycles import CertificationText, Cycle, IceQuestionSet, NationalCrimeRate
from .invitations import JurisdictionInvitation
from .signatures import SIGNING_LINK_DAYS, SignatureRequest

__all__ = [
    "Application",
    "Certification",
    "CertificationText",
    "Contact",
    "CrimeFigures",
    "Cycle",
    "IceAnswer",
    "IceQuestionSet",
    "JurisdictionInvitation",
    "Letter",
    "NationalCrimeRate",
    "ReferenceSequence",
    "SIGNING_LINK_DAYS",
    "SignatureRequest",
]
