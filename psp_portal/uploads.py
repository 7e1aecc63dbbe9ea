"""The one check every uploaded file passes: parsed by a real parser, never sniffed.

Every upload form calls `validate_upload` (letters of commitment, engagement
attachments) or `validate_csv_upload` (engagement imports). The type comes from
the first bytes and must then survive the parser for that type:

- PDF: pypdf reads it; refused if encrypted, if it carries JavaScript, a launch or
  other active action, embedded files, XFA forms, or data after its end.
- DOCX / XLSX: zipfile reads every member (CRC checked); the package must hold the
  parts Office writes ([Content_Types].xml naming the main part, _rels/.rels, the
  main part itself); refused with macros, embedded objects or encrypted members.
- PNG / JPEG: Pillow opens and verifies it; refused with data after the image's end.

Every type must start at byte 0 (no junk before the header: that is how a
polyglot hides HTML in front of a PDF), and anything a parser raises on is
refused as unreadable. Each rule has its own code (ValidationError.code) and a
test under tests/uploads/ built on a generated corpus.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", ".pdf", "PDF")
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".docx",
    "Word (.docx)",
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
    "Excel (.xlsx)",
)
PNG = FileKind("image/png", ".png", "PNG")
JPEG = FileKind("image/jpeg", ".jpg", "JPEG")

ATTACHMENT_KINDS = (PDF, DOCX, XLSX, PNG, JPEG)

# Limits that keep a parser from being turned against the server.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000
MAX_PDF_OBJECTS = 200_000
# Bytes tolerated after a file's end marker (line ends, a scanner's padding).
TRAILING_SLACK = 64


def _size(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def _refuse(name: str, message: str, code: str):
    # `name` is kept for the log line of the caller; the message is what the person reads.
    raise ValidationError(message[:1].upper() + message[1:], code=code)


# ---------------------------------------------------------------------------
# Type from the first bytes (a claim the parser must then confirm)
# ---------------------------------------------------------------------------
def claimed_kind(data: bytes) -> FileKind | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # noqa: BLE001 (not a readable zip at all: no allowed type)
        return None
    # The main part's name is only the claim; _check_office then proves it.
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _buried_header(data: bytes) -> bool:
    """A known header after some other bytes: a polyglot, not a file of that type."""
    head = data[:4096]
    return any(head.find(magic) > 0 for magic in (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04"))


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------
# Names that make a PDF do something when opened or carry other files.
PDF_ACTIVE_KEYS = {
    "/JavaScript": ("javascript", "it contains JavaScript"),
    "/JS": ("javascript", "it contains JavaScript"),
    "/Launch": ("launch", "it contains an action that launches a program"),
    "/EmbeddedFiles": ("embedded_file", "it carries embedded files"),
    "/EmbeddedFile": ("embedded_file", "it carries embedded files"),
    "/XFA": ("active_content", "it contains an XFA form, which runs scripts"),
    "/RichMedia": ("active_content", "it contains embedded media"),
}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript": ("javascript", "it contains JavaScript"),
    "/Launch": ("launch", "it contains an action that launches a program"),
    "/SubmitForm": ("active_content", "it contains a form that sends data"),
    "/ImportData": ("active_content", "it contains an action that imports data"),
    "/GoToE": ("embedded_file", "it opens an embedded file"),
    "/GoToR": ("active_content", "it opens another file"),
}


def _check_pdf(name: str, data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    end = data.rfind(b"%%EOF")
    if end < 0:
        _refuse(
            name,
            "This PDF could not be read: it is incomplete (it has no end marker). Save it again.",
            "unreadable",
        )
    if len(data[end + 5 :].strip(b"\r\n\t \x00")) > TRAILING_SLACK:
        _refuse(
            name,
            "This PDF has other content after its end. Save or print it to PDF again.",
            "trailing_data",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _refuse(
                name,
                "This PDF is password-protected or encrypted. Upload a copy without a password.",
                "encrypted",
            )
        if len(reader.pages) == 0:
            _refuse(name, "This PDF has no pages.", "no_pages")
        # Walk every object reachable from the trailer (pages, names, annotations,
        # actions): pypdf decodes object streams and #-escaped names, so this finds
        # what a search of the raw bytes would miss.
        seen: set[tuple[int, int]] = set()
        stack = [reader.trailer]
        while stack:
            if len(seen) > MAX_PDF_OBJECTS:
                _refuse(name, "This PDF is too complex to check.", "unreadable")
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                _check_pdf_dictionary(name, obj)
                stack.extend(value for key, value in obj.items() if key != "/Parent")
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except ValidationError:
        raise
    # pypdf raises many exception types on damaged or hostile files; all mean "unreadable".
    except Exception as exc:  # noqa: BLE001
        raise ValidationError(
            "This PDF could not be read; it may be damaged. Save it again and upload the new copy.",
            code="unreadable",
        ) from exc


def _check_pdf_dictionary(name: str, obj) -> None:
    action = obj.get("/S")
    if action in PDF_ACTIVE_ACTIONS:
        code, why = PDF_ACTIVE_ACTIONS[action]
        _refuse(name, f"This PDF is refused because {why}.", code)
    for key_name, value in obj.items():
        if key_name in PDF_ACTIVE_KEYS:
            code, why = PDF_ACTIVE_KEYS[key_name]
            _refuse(name, f"This PDF is refused because {why}.", code)
        if key_name in ("/OpenAction", "/AA"):
            _check_pdf_action(name, value.get_object(), key_name)
        if key_name == "/Subtype" and value == "/FileAttachment":
            _refuse(name, "This PDF is refused because it carries embedded files.", "embedded_file")


def _check_pdf_action(name: str, action, key_name: str) -> None:
    """An /OpenAction may only jump to a page (a destination or a GoTo action)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if isinstance(action, ArrayObject):
        return  # a destination: "open at page 1, fit width"
    if key_name == "/AA" and isinstance(action, DictionaryObject):
        for trigger in action.values():
            _check_pdf_action(name, trigger.get_object(), "/OpenAction")
        return
    if isinstance(action, DictionaryObject):
        if action.get("/S") == "/GoTo":
            return
        if action.get("/S") in PDF_ACTIVE_ACTIONS:
            code, why = PDF_ACTIVE_ACTIONS[action.get("/S")]
            _refuse(name, f"This PDF is refused because {why}.", code)
    _refuse(name, "This PDF is refused because it runs an action when opened.", "open_action")


# ---------------------------------------------------------------------------
# Office Open XML (DOCX, XLSX)
# ---------------------------------------------------------------------------
OFFICE_MAIN_PARTS = {
    DOCX: (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    XLSX: (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
OFFICE_FORBIDDEN = (
    (re.compile(r"\.bin$", re.I), "macros", "it contains macros or binary parts"),
    (
        re.compile(r"(^|/)(embeddings|activeX)/", re.I),
        "embedded_file",
        "it carries embedded files or controls",
    ),
)


def _check_office(name: str, data: bytes, kind: FileKind) -> None:
    main_part, main_type = OFFICE_MAIN_PARTS[kind]
    unreadable = (
        f"This {kind.label} file could not be read; it may be damaged. Save it again and upload it."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                _refuse(name, f"This {kind.label} file has too many parts.", "unreadable")
            if sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
                _refuse(name, f"This {kind.label} file expands to too much data.", "unreadable")
            if any(m.flag_bits & 0x1 for m in members):
                _refuse(
                    name,
                    f"This {kind.label} file is password-protected. "
                    "Upload a copy without a password.",
                    "encrypted",
                )
            names = {m.filename for m in members}
            for pattern, code, why in OFFICE_FORBIDDEN:
                if any(pattern.search(n) for n in names):
                    _refuse(name, f"This {kind.label} file is refused because {why}.", code)
            missing = {"[Content_Types].xml", "_rels/.rels", main_part} - names
            if missing:
                _refuse(
                    name,
                    f"This is not a real {kind.label} file (parts are missing: "
                    f"{', '.join(sorted(missing))}).",
                    "bad_type",
                )
            # Reads every member: a bad CRC or a broken stream raises here.
            if archive.testzip() is not None:
                _refuse(name, unreadable, "unreadable")
            types = ET.fromstring(archive.read("[Content_Types].xml"))
            overrides = {
                el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                for el in types.iter(f"{CT_NS}Override")
            }
            if overrides.get(main_part) != main_type:
                _refuse(
                    name,
                    f"This is not a real {kind.label} file (its main part is not declared).",
                    "bad_type",
                )
            if any("macroEnabled" in t for t in overrides.values()):
                _refuse(
                    name, f"This {kind.label} file is refused because it contains macros.", "macros"
                )
            ET.fromstring(archive.read(main_part))  # the main part must be well-formed XML
    except ValidationError:
        raise
    # zipfile, zlib and expat raise many types on damaged or hostile files; all mean "unreadable".
    except Exception as exc:  # noqa: BLE001
        raise ValidationError(unreadable, code="unreadable") from exc


# ---------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------
def _check_image(name: str, data: bytes, kind: FileKind) -> None:
    from PIL import Image

    unreadable = f"this {kind.label} image could not be read; it may be damaged."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                expected = "PNG" if kind is PNG else "JPEG"
                if image.format != expected:
                    _refuse(name, unreadable, "unreadable")
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    _refuse(name, "this image is too large (too many pixels).", "too_large")
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() does not decode the pixels; load() does
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 (Pillow raises many types on hostile files)
        raise ValidationError(unreadable[:1].upper() + unreadable[1:], code="unreadable") from exc
    if kind is PNG:
        end = data.rfind(b"IEND\xaeB`\x82")
        trailing = data[end + 8 :] if end >= 0 else data
    else:
        end = data.rfind(b"\xff\xd9")
        trailing = data[end + 2 :] if end >= 0 else data
    if len(trailing.strip(b"\r\n\t \x00")) > TRAILING_SLACK:
        _refuse(
            name,
            "this image has other content after its end. Save it again and upload it.",
            "trailing_data",
        )


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------
def _read(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _check_size(upload, name: str, max_bytes: int | None) -> None:
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        _refuse(name, "The file is empty.", "empty")
    if upload.size > limit:
        _refuse(
            name,
            f"The file is {_size(upload.size)}; the limit is {_size(limit)}. "
            "Save a smaller copy (for example scanned at 200 dpi) and try again.",
            "too_large",
        )


def validate_upload(upload, *, allowed=ATTACHMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """Return the file's kind, or raise ValidationError saying what is wrong and what to do."""
    name = upload.name or "The file"
    _check_size(upload, name, max_bytes)
    data = _read(upload)
    kind = claimed_kind(data)
    allowed_text = ", ".join(k.label for k in allowed)
    if kind is None or kind not in allowed:
        if _buried_header(data):
            _refuse(
                name,
                "the file does not start like the type it claims (other content comes first). "
                f"Only {allowed_text} files are accepted.",
                "not_at_start",
            )
        if allowed == (PDF,):
            _refuse(
                name,
                "This file is not a PDF (checked by its content, not its name). "
                "Save or print it as a PDF and upload that.",
                "bad_type",
            )
        _refuse(
            name,
            f"This file is not a {allowed_text} file (checked by its content, not its name).",
            "bad_type",
        )
    if kind is PDF:
        _check_pdf(name, data)
    elif kind in (DOCX, XLSX):
        _check_office(name, data, kind)
    else:
        _check_image(name, data, kind)
    return kind


def validate_csv_upload(upload, *, max_bytes: int) -> None:
    """A CSV import: UTF-8 text without NUL bytes, within `max_bytes`."""
    name = upload.name or "The file"
    _check_size(upload, name, max_bytes)
    data = _read(upload)
    if claimed_kind(data) is not None or b"\x00" in data:
        _refuse(
            name, "this is not a CSV file. Save the sheet as CSV (UTF-8) and try again.", "bad_type"
        )
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse(
            name, "this file is not UTF-8 text. Save it as CSV (UTF-8) and try again.", "bad_type"
        )
