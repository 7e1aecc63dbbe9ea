import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from engagements.uploads import DOCX, XLSX, validate_attachment
from tests.uploads import corpus


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


# Real files from real writers: a header alone (or a zip with the right part names and
# nothing behind them) is no longer enough (issue 14, tests/uploads/).
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (corpus.pdf_good(), ("application/pdf", ".pdf")),
        (corpus.png_good(), ("image/png", ".png")),
        (corpus.jpeg_good(), ("image/jpeg", ".jpg")),
        (corpus.docx_good(), (DOCX, ".docx")),
        (corpus.xlsx_good(), (XLSX, ".xlsx")),
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
    assert "1.0 KB" in caught.value.messages[0]
