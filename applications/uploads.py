"""Checks on uploaded letters: a PDF parsed by psp_portal.uploads, within the size limit."""

import hashlib

from django.core.exceptions import ValidationError

from psp_portal.uploads import PDF, validate_upload

EMPTY_MESSAGE = "The file is empty. Choose the signed letter as a PDF."


def validate_pdf_upload(upload) -> None:
    """Raise ValidationError (with a reason a person can act on) unless `upload` is a usable PDF.

    The checks live in psp_portal.uploads, shared by every upload in the portal.
    """
    try:
        validate_upload(upload, allowed=(PDF,))
    except ValidationError as exc:
        if exc.code == "empty":
            raise ValidationError(EMPTY_MESSAGE, code="empty") from exc
        raise


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
