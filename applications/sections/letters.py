"""5. Letters of commitment: signed PDFs, at least from each required kind of signer.

Letters have their own page (upload and remove one at a time: `letter_add` and
`letter_remove` in services.drafts), so this section has no form on the section page.
"""

from ..models import Application, Letter
from .base import Section, label_of


def missing(app: Application) -> list[str]:
    kinds = {letter.kind for letter in app.letters.all()}
    return [
        f"Letter from the {Letter.Kind(kind).label.lower()}"
        for kind in Letter.REQUIRED_KINDS
        if kind not in kinds
    ]


def started(app: Application) -> bool:
    return bool(app.letters.all())


def snapshot(app: Application) -> list[dict]:
    return [
        {
            "kind": letter.kind,
            "kind_label": label_of(Letter.Kind.choices, letter.kind),
            "original_name": letter.original_name,
            "size_bytes": letter.size_bytes,
            "sha256": letter.sha256,
        }
        for letter in sorted(app.letters.all(), key=lambda x: (x.kind, x.pk))
    ]


SECTION = Section(
    key="letters",
    title="Letters of commitment",
    missing=missing,
    snapshot_key="letters",
    snapshot=snapshot,
    summary_template="applications/sections/letters_summary.html",
    prefetch_related=("letters",),
    started=started,
    template="applications/application_letters.html",
    url_name="applications:letters",
)
