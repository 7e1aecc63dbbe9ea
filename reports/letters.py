"""What every letter to an applicant shares: the signatory, the salutation, the addressee.

Letters are external documents (kind.audience == EXTERNAL) rendered from
templates that extend "pdf/letter.html".
"""

import re

from .models import ReportSettings

SIGNATORY_MISSING = (
    "Letters to applicants have no signatory: a program admin must enter the "
    "signatory's name and title under Reports > Report settings."
)
# Name suffixes that are not the surname ("Dear Mayor King", not "Dear Mayor Jr.").
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "phd", "ph.d.", "esq", "esq."}
# A courtesy title longer than this is a description, not a form of address.
_MAX_TITLE_WORDS = 4


class SignatoryMissing(ValueError):
    """No signatory is configured; no letter may be produced or released."""

    def __init__(self):
        super().__init__(SIGNATORY_MISSING)


def letter_signatory(report_settings: ReportSettings | None = None) -> dict:
    """{"name", "title"} of the configured signatory, or SignatoryMissing."""
    report_settings = report_settings or ReportSettings.load()
    if not report_settings.has_signatory:
        raise SignatoryMissing()
    return {"name": report_settings.signatory_name, "title": report_settings.signatory_title}


def surname(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if w.lower() not in _SUFFIXES]
    return words[-1] if words else ""


def courtesy_title(title: str) -> str:
    """ "Mayor of Springfield" -> "Mayor"; "County Executive, Lake County" -> "County Executive"."""
    short = re.split(r",| of | for |\(", title or "", maxsplit=1)[0].strip()
    return short if 0 < len(short.split()) <= _MAX_TITLE_WORDS else ""


def salutation(name: str, title: str) -> str:
    """ "Dear Mayor Hall:", or "Dear Terrence Hall:" when the title is not a form of address."""
    name = " ".join((name or "").split())
    if not name:
        return "Dear Sir or Madam:"
    honorific = courtesy_title(title)
    last = surname(name)
    if honorific and last:
        return f"Dear {honorific} {last}:"
    return f"Dear {name}:"
