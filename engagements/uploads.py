"""Attachment checks: the type comes from the file's first bytes, never from its name."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ALLOWED_DESCRIPTION = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"


def sniff(head: bytes, upload) -> tuple[str, str] | None:
    """(content type, extension) from the magic bytes, or None if not an allowed type."""
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head.startswith(b"PK\x03\x04"):
        # DOCX and XLSX are both ZIP files; the part names tell them apart.
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX, ".docx"
            if "xl/workbook.xml" in names:
                return XLSX, ".xlsx"
    return None


def validate_attachment(upload) -> tuple[str, str]:
    """Raise ValidationError with the reason, or return (content type, extension)."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%s is empty.") % upload.name, code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a %(allowed)s file (checked by its content, not its name).")
            % {"name": upload.name, "allowed": ALLOWED_DESCRIPTION},
            code="bad_type",
        )
    return kind
