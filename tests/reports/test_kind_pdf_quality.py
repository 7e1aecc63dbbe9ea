"""Print quality of every registered kind's template: no flexbox or grid, column headers in
<thead> (repeated on each page a table spans), charts as inline SVG, tagged PDF/UA output."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import get_template, render_to_string
from pypdf import PdfReader

from engagements.models import NarrativeUpdate
from reports.kinds import all_kinds, get_kind
from reports.models import Report
from reports.services import _pdf_context
from tests.factories import EngagementFactory, SiteFactory

pytestmark = pytest.mark.django_db

SLOW_LAYOUT = re.compile(r"display\s*:\s*(inline-)?(flex|grid)", re.IGNORECASE)
PORTAL_KINDS = [
    "soi_packet",
    "decision_letter",
    "selection_slate",
    "site_engagement",
    "program_report",
    "half_year_narrative",
]


def test_every_portal_kind_is_registered():
    registered = {kind.slug for kind in all_kinds()}
    assert set(PORTAL_KINDS) <= registered


@pytest.mark.parametrize("slug", PORTAL_KINDS)
def test_templates_use_no_flexbox_or_grid(slug):
    template = get_template(get_kind(slug).template_name)
    source = template.template.source
    assert not SLOW_LAYOUT.search(source)
    assert not SLOW_LAYOUT.search(get_template("pdf/base.html").template.source)
    # Page numbers, marking by audience, PDF/UA repair; letters through pdf/letter.html.
    assert "pdf/base.html" in source or '{% extends "pdf/letter.html" %}' in source
    assert not SLOW_LAYOUT.search(get_template("pdf/letter.html").template.source)


class TableCheck(HTMLParser):
    """Records, per <table>, whether a column header (<th scope="col">) sits outside <thead>."""

    def __init__(self):
        super().__init__()
        self.in_thead = False
        self.tables = 0
        self.stray_column_headers = 0
        self.svgs = 0
        self.imgs = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables += 1
        elif tag == "thead":
            self.in_thead = True
        elif tag == "th" and attrs.get("scope") == "col" and not self.in_thead:
            self.stray_column_headers += 1
        elif tag == "svg":
            self.svgs += 1
        elif tag == "img":
            self.imgs += 1

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_thead = False


@pytest.fixture
def reports_with_data(liaison):
    site = SiteFactory(liaison=liaison)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 3, 4))
    NarrativeUpdate.objects.create(site=site, year=2025, half=1, narrative="Progress.")
    return [
        (Report(pk=1, kind="program_report", params={"start": "2025-01-01", "end": "2025-06-30"}), 3),
        (Report(pk=2, kind="site_engagement", params={"site_id": site.pk, "year": 2025}), 3),
        (Report(pk=3, kind="half_year_narrative", params={"site_id": site.pk, "year": 2025, "half": 1}), 0),
    ]  # fmt: skip


def test_tables_have_thead_and_charts_are_inline_svg(reports_with_data):
    for report, charts in reports_with_data:
        kind = get_kind(report.kind)
        html = render_to_string(kind.template_name, _pdf_context(report, kind))
        check = TableCheck()
        check.feed(html)
        assert check.tables >= 3, report.kind
        assert check.stray_column_headers == 0, report.kind
        assert check.svgs >= charts, report.kind
        assert check.imgs == 0, report.kind  # no image fetched over the network
        if charts:
            assert 'role="img"' in html and "<title" in html  # accessible charts


def test_program_report_pdf_is_tagged(program_admin, render_now):
    report = render_now(
        "program_report",
        {"cohort": None, "start": "2025-01-01", "end": "2025-03-31"},
        program_admin,
    )
    with report.file.open("rb") as handle:
        reader = PdfReader(handle)
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root  # tagged PDF (PDF/UA)
        assert root["/MarkInfo"]["/Marked"]
        assert report.page_count == len(reader.pages) >= 2
