"""Checks on uploaded letters: a PDF by content, not by name, within the size limit."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.errors import PdfReadError

PDF_MAGIC = b"%PDF-"
EMPTY_MESSAGE = "The file is empty. Choose the signed letter as a PDF."


def _megabytes(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def validate_pdf_upload(upload) -> None:
    """Raise ValidationError (with a reason a person can act on) unless `upload` is a usable PDF."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(EMPTY_MESSAGE, code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"The file is {_megabytes(upload.size)}; the limit is {_megabytes(limit)}. "
            "Save a smaller PDF (for example scanned at 200 dpi) and try again.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # The PDF header may follow a little junk; readers accept it within the first kilobyte.
    if PDF_MAGIC not in head:
        raise ValidationError(
            "This file is not a PDF (its content is not PDF, whatever its name). "
            "Save or print the letter as a PDF and upload that.",
            code="not_pdf",
        )
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is password-protected. Upload a copy without a password.",
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise ValidationError("This PDF has no pages.", code="no_pages")
    except ValidationError:
        raise
    # pypdf raises many exception types on damaged or hostile files; all mean "unreadable".
    except (PdfReadError, Exception) as exc:  # noqa: B014
        raise ValidationError(
            "This PDF could not be read; it may be damaged. Save it again and upload the new copy.",
            code="unreadable",
        ) from exc
    finally:
        upload.seek(0)


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
