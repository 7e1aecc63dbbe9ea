"""Attachment checks: every file is parsed by psp_portal.uploads, never judged by its name."""

from psp_portal.uploads import ATTACHMENT_KINDS, validate_upload
from psp_portal.uploads import DOCX as _DOCX
from psp_portal.uploads import XLSX as _XLSX

DOCX = _DOCX.content_type
XLSX = _XLSX.content_type

ALLOWED_DESCRIPTION = "PDF, Word (.docx), Excel (.xlsx), PNG or JPEG"


def validate_attachment(upload) -> tuple[str, str]:
    """Raise ValidationError with the reason, or return (content type, extension)."""
    kind = validate_upload(upload, allowed=ATTACHMENT_KINDS)
    return kind.content_type, kind.extension
