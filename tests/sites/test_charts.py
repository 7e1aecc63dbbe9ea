"""charts/svg.py: the SVG is well-formed, accessible and CSP-safe, and its bars match the data."""

import datetime
import itertools
import xml.etree.ElementTree as ET

import pytest

from charts.svg import PAGE_TEXT_MIN, horizontal_bar_chart, vertical_bar_chart
from engagements.models import Engagement
from engagements.stats import (
    delivered_by_focus_area,
    delivered_by_month,
    site_charts,
    site_figures,
)
from tests.factories import EngagementFactory, SiteFactory

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(chart):
    return ET.fromstring(str(chart.svg))


def test_vertical_chart_has_one_bar_per_row_scaled_to_the_peak():
    chart = vertical_bar_chart(
        [("Jan 25", 2), ("Feb 25", 4), ("Mar 25", 0)],
        title="Engagements by month",
        description="Delivered engagements per month.",
        chart_id="test-chart",
        height=240,
    )
    root = _parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "test-chart-title test-chart-desc"
    assert root.find("svg:title", NS).text == "Engagements by month"
    assert root.find("svg:desc", NS).text == (
        "Delivered engagements per month. Total 6; highest: Feb 25 (4)."
    )
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert [(b.get("data-label"), b.get("data-value")) for b in bars] == [
        ("Jan 25", "2"),
        ("Feb 25", "4"),
        ("Mar 25", "0"),
    ]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 180.0  # the peak fills the plot (240 - 20 top - 40 bottom)
    assert heights[0] == 90.0
    assert heights[2] == 0.0
    assert [b.find("svg:title", NS).text for b in bars][1] == "Feb 25: 4"
    labels = [t.text for t in root.findall("svg:text[@class='label']", NS)]
    values = [t.text for t in root.findall("svg:text[@class='value']", NS)]
    assert labels == ["Jan 25", "Feb 25", "Mar 25"]
    assert values == ["2", "4", "0"]
    assert chart.rows == [("Jan 25", 2.0), ("Feb 25", 4.0), ("Mar 25", 0.0)]


def test_chart_is_inline_safe_under_csp():
    chart = horizontal_bar_chart(
        [("Gun violence", 3)], title="By focus area", description="d", chart_id="c"
    )
    root = _parse(chart)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not element.tag.endswith("script")
        assert not element.tag.endswith("style")
    assert root.find(".//svg:rect[@class='bar']", NS).get("fill") == "#005ea2"


def test_labels_are_escaped():
    chart = horizontal_bar_chart(
        [("<script>alert(1)</script> & co", 1)], title="T & <b>", description="d", chart_id="x"
    )
    assert "<script>" not in str(chart.svg)
    root = _parse(chart)  # still well-formed XML
    assert root.find("svg:title", NS).text == "T & <b>"


def test_empty_chart_says_no_data():
    chart = vertical_bar_chart([], title="t", description="Nothing.", chart_id="e")
    assert _parse(chart).find("svg:desc", NS).text == "Nothing. No data yet."


@pytest.mark.django_db
def test_site_charts_count_delivered_engagements_by_month_and_focus_area():
    site = SiteFactory()
    today = datetime.date(2025, 6, 15)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 6, 2),
                      focus_areas=["gun_violence", "crime_analysis"])  # fmt: skip
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 6, 9),
                      focus_areas=["gun_violence"])  # fmt: skip
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 4, 1),
                      focus_areas=["technology"])  # fmt: skip
    EngagementFactory(site=site, planned=True, start_date=datetime.date(2025, 6, 20))
    EngagementFactory(site=site, cancelled=True, start_date=datetime.date(2025, 5, 1))
    EngagementFactory(delivered=True, start_date=datetime.date(2025, 6, 3))  # another site

    by_month = delivered_by_month(site, today=today)
    assert len(by_month) == 12
    assert by_month[0] == ("Jul 24", 0)
    assert by_month[-3:] == [("Apr 25", 1), ("May 25", 0), ("Jun 25", 2)]
    by_area = dict(delivered_by_focus_area(site))
    assert by_area["Gun violence"] == 2
    assert by_area["Crime analysis"] == 1
    assert by_area["Technology"] == 1
    assert by_area["Investigations"] == 0

    month_chart, area_chart = site_charts(site, today=today)
    bars = _parse(month_chart).findall(".//svg:rect[@class='bar']", NS)
    assert [b.get("data-value") for b in bars][-3:] == ["1", "0", "2"]
    area_bars = {
        b.get("data-label"): b.get("data-value")
        for b in _parse(area_chart).findall(".//svg:rect[@class='bar']", NS)
    }
    assert area_bars["Gun violence"] == "2"
    assert len(area_bars) == 8


def test_chart_is_fluid_on_pages_and_fixed_for_pdf():
    rows = [("A", 1)]
    fluid = _parse(vertical_bar_chart(rows, title="t", description="d", chart_id="f"))
    fixed = _parse(vertical_bar_chart(rows, title="t", description="d", chart_id="g", fixed=True))
    assert (fluid.get("width"), fluid.get("height"), fluid.get("viewBox")) == (
        "100%",
        None,
        "0 0 640 240",
    )
    assert (fixed.get("width"), fixed.get("height")) == ("640", "240")


def _font_sizes(svg_markup) -> set[float]:
    root = ET.fromstring(str(svg_markup))
    return {float(t.get("font-size")) for t in root.iter(f"{{{NS['svg']}}}text")}


@pytest.mark.parametrize("draw, pdf_size", [(vertical_bar_chart, 11), (horizontal_bar_chart, 12)])
def test_page_charts_draw_text_large_enough_and_pdfs_keep_their_sizes(draw, pdf_size):
    # Page charts scale with their column: 13 viewBox units in a 640-unit chart stay
    # >= 12 px down to a 592 px wide chart (issue 16). PDFs are drawn at their exact size
    # and keep the sizes their layout was made for.
    rows = [("Jan 26", 3), ("Feb 26", 0)]
    page = draw(rows, title="t", description="d", chart_id="p")
    pdf = draw(rows, title="t", description="d", chart_id="q", fixed=True)
    assert min(_font_sizes(page.svg)) >= PAGE_TEXT_MIN
    assert PAGE_TEXT_MIN * 592 / 640 >= 12
    assert _font_sizes(pdf.pdf_svg) == {pdf_size}


@pytest.mark.parametrize("fixed", [True, False])
def test_month_labels_of_a_long_range_never_run_into_each_other(fixed):
    """23 months at 640 wide drew "Jan 25Feb 25..." as one run; labels now keep apart."""
    months = [f"{name} {year}" for year in (25, 26) for name in
              ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]  # fmt: skip
    rows = [(month, 10 + index) for index, month in enumerate(months[:23])]
    chart = vertical_bar_chart(
        rows, title="By month", description="Per month.", chart_id="long", fixed=fixed
    )
    root = _parse(chart)
    assert len(root.findall(".//svg:rect[@class='bar']", NS)) == 23  # every month still drawn
    labels = [t for t in root.findall(".//svg:text[@class='label']", NS)]
    assert labels[0].text == "Jan 25" and 1 < len(labels) < 23
    spans = sorted(
        (float(t.get("x")) - w / 2, float(t.get("x")) + w / 2)
        for t in labels
        for w in [len(t.text) * float(t.get("font-size")) * 0.55]
    )
    assert all(
        left_end < right_start for (_, left_end), (right_start, _) in itertools.pairwise(spans)
    )


@pytest.mark.django_db
def test_site_figures_count_what_each_reader_sees_and_each_area_once():
    site = SiteFactory()
    today = datetime.date(2025, 6, 15)
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 6, 2),
                      focus_areas=["gun_violence", "gun_violence"])  # fmt: skip
    # Delivered but dated after today (a data-entry slip): in the areas, in no month.
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2025, 7, 1),
                      focus_areas=["technology"])  # fmt: skip
    # A year and a month ago: before the first month shown.
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2024, 5, 31),
                      focus_areas=[])  # fmt: skip
    EngagementFactory(site=site, planned=True, start_date=datetime.date(2025, 6, 20),
                      focus_areas=["technology"])  # fmt: skip

    staff = site_figures(site, today=today)
    assert staff["total"] == 4
    assert sum(n for _label, n in staff["by_month"]) == 1
    assert staff["by_month"][-1] == ("Jun 25", 1)
    areas = dict(staff["by_focus_area"])
    assert areas["Gun violence"] == 1  # listed twice, one engagement
    assert areas["Technology"] == 1  # the planned one is not delivered
    delivered = Engagement.objects.filter(site=site, status=Engagement.Status.DELIVERED)
    applicant = site_figures(site, engagements=delivered, today=today)
    assert applicant["total"] == 3
    assert applicant["by_month"] == staff["by_month"]


def test_focus_areas_are_found_in_the_stored_json_by_their_quoted_values():
    """site_figures reads the focus areas as stored JSON text (no decoding per row)."""
    from engagements.stats import areas_counted

    lists = ['["gun_violence"]', '["gun_violence", "gun_violence", "violence"]', "[]"]
    counts = areas_counted(lists, ["violence", "gun_violence", "technology"])
    assert counts == {"violence": 1, "gun_violence": 2, "technology": 0}
