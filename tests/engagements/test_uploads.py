import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from engagements.uploads import DOCX, XLSX, validate_attachment


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n...", ("application/pdf", ".pdf")),
        (b"\x89PNG\r\n\x1a\n0000", ("image/png", ".png")),
        (b"\xff\xd8\xff\xe0JFIF", ("image/jpeg", ".jpg")),
        (_zip(["[Content_Types].xml", "word/document.xml"]), (DOCX, ".docx")),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), (XLSX, ".xlsx")),
    ],
)
def test_allowed_types_are_recognised_by_content(content, expected):
    assert validate_attachment(SimpleUploadedFile("anything.bin", content)) == expected


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 an exe", b"<html>not a pdf</html>", _zip(["evil.sh"])],
)
def test_other_content_is_refused_even_with_an_allowed_name(content):
    with pytest.raises(ValidationError) as caught:
        validate_attachment(SimpleUploadedFile("report.pdf", content))
    assert caught.value.code == "bad_type"
    assert "checked by its content" in caught.value.messages[0]


def test_too_large_is_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        validate_attachment(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
    assert caught.value.code == "too_large"
    assert "1.0\xa0KB" in caught.value.messages[0]
