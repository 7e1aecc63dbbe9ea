"""Starting a draft and saving its sections."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Jurisdiction, User

from ..models import Application, Cycle, Letter
from ..sections import SECTIONS_BY_KEY
from ..sections.base import save_row
from ..uploads import file_sha256


class ApplicationError(Exception):
    """A rule refused the change; the message is meant for the user."""


@dataclass
class StaleSection(Exception):
    """Someone saved this section after the form was loaded."""

    saved_at: datetime
    saved_by: str
    current_version: int

    def __str__(self):
        at = timezone.localtime(self.saved_at).strftime("%H:%M")
        return f"Someone else saved this section at {at} ET; review their changes."


@transaction.atomic
def application_start(
    *, cycle: Cycle, actor: User, jurisdiction_data: dict | None = None
) -> tuple[Application, bool]:
    """Return the (cycle, jurisdiction) SOI, creating a draft (and the jurisdiction) if needed.

    A user with no jurisdiction creates one by starting an SOI; colleagues join by
    invitation, so an existing jurisdiction can never be claimed by name alone.
    """
    if actor.jurisdiction_id is None:
        if not jurisdiction_data:
            raise ApplicationError("Tell us which jurisdiction you file for.")
        if Jurisdiction.objects.filter(
            name__iexact=jurisdiction_data["name"].strip(),
            state=jurisdiction_data["state"],
            kind=jurisdiction_data["kind"],
        ).exists():
            raise ApplicationError(
                "This jurisdiction is already registered. Ask a colleague who files for it "
                "to invite you from their Statements of Interest page."
            )
        jurisdiction = Jurisdiction(
            name=jurisdiction_data["name"].strip(),
            kind=jurisdiction_data["kind"],
            state=jurisdiction_data["state"],
        )
        jurisdiction._history_user = actor
        jurisdiction.save()
        actor.jurisdiction = jurisdiction
        actor._history_user = actor
        actor.save(update_fields=["jurisdiction"])
    existing = Application.objects.filter(
        cycle=cycle, jurisdiction_id=actor.jurisdiction_id
    ).first()
    if existing is not None:
        return existing, False
    if not cycle.is_open():
        raise ApplicationError(_closed_message(cycle))
    application = Application(cycle=cycle, jurisdiction_id=actor.jurisdiction_id, created_by=actor)
    application._history_user = actor
    try:
        # Savepoint: two colleagues clicking "Start" together hit the unique constraint.
        with transaction.atomic():
            application.save()
    except IntegrityError:
        return Application.objects.get(cycle=cycle, jurisdiction_id=actor.jurisdiction_id), False
    return application, True


def _closed_message(cycle: Cycle) -> str:
    deadline = timezone.localtime(cycle.closes_at).strftime("%B %-d, %Y at %-I:%M %p ET")
    if timezone.now() < cycle.opens_at:
        opens = timezone.localtime(cycle.opens_at).strftime("%B %-d, %Y at %-I:%M %p ET")
        return f"{cycle.name} opens on {opens}."
    return f"{cycle.name} closed on {deadline}; it no longer takes submissions."


def _lock_draft(application: Application, section: str, loaded_version: int | None):
    # Row lock: two colleagues saving at once are serialised, so the version check
    # below sees the other's save instead of both passing it.
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_draft:
        raise ApplicationError(
            "This Statement of Interest has been submitted and can no longer change."
        )
    last = (locked.section_saves or {}).get(section)
    if last and loaded_version is not None and last["version"] > loaded_version:
        raise StaleSection(
            saved_at=datetime.fromisoformat(last["at"]),
            saved_by=last.get("by", ""),
            current_version=locked.version,
        )
    return locked


def _record_save(locked: Application, section: str, actor: User, fields: list[str]) -> None:
    locked.version += 1
    saves = dict(locked.section_saves or {})
    saves[section] = {
        "version": locked.version,
        "at": timezone.now().isoformat(),
        "by": actor.get_full_name(),
    }
    locked.section_saves = saves
    locked._history_user = actor
    locked.save(update_fields=[*fields, "version", "section_saves", "updated_at"])
    # Any change to what the chief legal officer signed voids the signature: the
    # officer must sign the SOI as it now reads (the section pages say so).
    from .signatures import signature_supersede_if_changed

    signature_supersede_if_changed(locked=locked, actor=actor)


@transaction.atomic
def application_section_save(
    *, application: Application, section: str, data: dict, loaded_version: int | None, actor: User
) -> Application:
    """Store one section's cleaned data; refuse if someone saved that section since it loaded.

    `data` is what the section's `cleaned` gives (see its module in applications.sections);
    the section's own saver writes it, and refuses keys that are not its own.
    """
    entry = SECTIONS_BY_KEY.get(section)
    if entry is None or entry.save is None:
        raise ValueError(f"Unknown section {section!r}")
    locked = _lock_draft(application, section, loaded_version)
    fields = entry.save(locked, data, actor)
    _record_save(locked, section, actor, fields)
    return locked


@transaction.atomic
def letter_add(*, application: Application, kind: str, upload, actor: User) -> Letter:
    """Store a checked PDF letter (see uploads.validate_pdf_upload) on a draft."""
    locked = _lock_draft(application, "letters", None)
    letter = Letter(
        application=locked,
        kind=kind,
        original_name=(upload.name or "letter.pdf")[:200],
        size_bytes=upload.size,
        sha256=file_sha256(upload),
        uploaded_by=actor,
    )
    letter.file.save("letter.pdf", upload, save=False)
    save_row(letter, actor)
    _record_save(locked, "letters", actor, [])
    return letter


@transaction.atomic
def letter_remove(*, letter: Letter, actor: User) -> None:
    """Remove a letter from a draft.

    The stored file is kept: the history row still names it, so the audit can show
    exactly which file was removed.
    """
    locked = _lock_draft(letter.application, "letters", None)
    letter._history_user = actor
    letter.delete()
    _record_save(locked, "letters", actor, [])
