"""The PDF itself: cover, marking, page numbers, figures, tags, fonts, no network."""

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from reports.models import DEFAULT_MARKING, Report
from reports.pdf import RefusedURL, static_files_url_fetcher

pytestmark = pytest.mark.django_db


def pdf_text_by_page(report):
    with report.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return reader, [page.extract_text() for page in reader.pages]


def test_render_produces_a_tagged_pdf_with_cover_marking_page_numbers_and_figures(
    applicant, render_now
):
    report = render_now(
        "test-figures", {"rows": 150, "district": "Northern District of Ohio"}, applicant
    )

    assert report.status == Report.Status.READY
    reader, pages = pdf_text_by_page(report)
    total = len(pages)
    assert total >= 4  # a table long enough to span pages
    assert report.page_count == total
    assert report.size_bytes == report.file.size

    cover = pages[0]  # the title block opens page 1 (no separate cover page)
    assert "Test figures report" in cover
    assert "Northern District of Ohio" in cover  # subtitle
    assert applicant.email in cover and applicant.get_full_name() in cover
    assert "Generated" in cover and " ET" in cover
    for number, text in enumerate(pages, start=1):
        assert DEFAULT_MARKING in text, f"marking missing on page {number}"
        assert f"Page {number} of {total}" in text
    body = "\n".join(pages)
    assert f"Total hours: {sum(n * 3 for n in range(1, 151))}" in body
    assert "Engagement 150" in body and str(150 * 7) in body
    # The table header repeats on every page the table spans (thead).
    assert all("Participants" in text for text in pages[1:])

    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "Test figures report"
    # Every font is embedded (PDF/UA requires it).
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            fonts[str(font["/BaseFont"])] = described["/FontDescriptor"].get_object()
    assert fonts
    assert all(
        "/FontFile2" in desc or "/FontFile3" in desc or "/FontFile" in desc
        for desc in fonts.values()
    )


def test_marking_comes_from_report_settings(applicant, render_now, program_admin):
    from reports.services import report_settings_update

    report_settings_update(marking="CUI // SP-PRIV // TEST MARKING", actor=program_admin)
    report = render_now("test-figures", {"rows": 2, "district": "D"}, applicant)
    _, pages = pdf_text_by_page(report)
    assert all("CUI // SP-PRIV // TEST MARKING" in text for text in pages)
    lines = {line.strip() for text in pages for line in text.splitlines()}
    assert DEFAULT_MARKING not in lines  # the banner is the configured one, not the default


def test_scheduled_report_names_the_portal_as_requester(render_now):
    report = render_now("test-system-only", {"rows": 1}, None)
    _, pages = pdf_text_by_page(report)
    assert "PSP Portal (scheduled report)" in pages[0]


def fetcher():
    return static_files_url_fetcher(f"{settings.SITE_URL}/")


def test_url_fetcher_serves_static_files_from_the_finders():
    response = fetcher().fetch(f"{settings.SITE_URL}/static/js/report-status.js")
    assert b"report-status" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        f"{settings.SITE_URL}/reports/1/download/",  # a portal page, not a static file
        f"{settings.SITE_URL}/static/../psp_portal/settings.py",
        f"{settings.SITE_URL}/static/no-such-file.css",
        "file:///etc/passwd",
    ],
)
def test_url_fetcher_refuses_everything_else(url):
    with pytest.raises(RefusedURL):
        fetcher().fetch(url)


def test_url_fetcher_allows_inline_data_urls():
    response = fetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_a_pdf_embeds_static_images_and_never_fetches_other_urls(applicant, monkeypatch):
    import urllib.request

    from reports import pdf
    from reports.pdf import html_to_pdf

    refused = []
    monkeypatch.setattr(pdf.logger, "warning", lambda message, url: refused.append(url))

    def no_network(*args, **kwargs):
        raise AssertionError("PDF rendering tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    report = Report.objects.create(kind="test-figures", params={}, requested_by=applicant)
    context = {
        "report": report,
        "report_kind": report_kind_stub(),
        "marking": DEFAULT_MARKING,
        "generated_at": report.created_at,
        "requested_by_name": applicant.email,
    }
    pdf_bytes, pages = html_to_pdf("reports_test/assets.html", context)

    reader = PdfReader(io.BytesIO(pdf_bytes))
    images = {
        obj.idnum
        for page in reader.pages
        for obj in page["/Resources"].get("/XObject", {}).values()
        if obj.get_object()["/Subtype"] == "/Image"
    }
    assert len(images) == 1  # the flag from static files; the external image was refused
    assert refused == ["https://example.com/tracking.png"]


def report_kind_stub():
    from reports.kinds import get_kind

    return get_kind("test-figures")
