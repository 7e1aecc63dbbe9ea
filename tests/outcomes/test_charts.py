"""The line chart draws exactly the figures its data table lists; missing years are gaps."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

from charts.svg import PAGE_TEXT_MIN
from outcomes.arithmetic import YearInput, compute_series
from outcomes.charts import rate_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
NATIONAL = {2016: D("386.3"), 2017: D("382.9"), 2018: D("368.9"), 2019: D("366.7")}


def _series():
    figures = {
        2016: YearInput(2016, 2000, 200_000),
        2017: YearInput(2017, 1900, 200_000),
        2018: YearInput(2018, 1850, 200_000),
        2020: YearInput(2020, 1600, 200_000),  # 2019 missing
    }
    return compute_series(
        years=[2016, 2017, 2018, 2019, 2020],
        baseline_years=[2016, 2017, 2018],
        psp_years=[2019, 2020],
        figures=figures,
        national=NATIONAL,
    )


def test_chart_points_and_data_rows_match_the_figures():
    series = _series()
    chart = rate_chart("Testville, OH", series, chart_id="t", psp_years=[2019, 2020])
    root = ET.fromstring(str(chart.svg))
    site_points = {
        int(c.get("data-year")): c.get("data-value")
        for c in root.findall("svg:g[@class='site']/svg:circle", NS)
    }
    assert site_points == {2016: "1000.0", 2017: "950.0", 2018: "925.0", 2020: "800.0"}
    assert chart.rows == [
        ("2016", 1000.0),
        ("2017", 950.0),
        ("2018", 925.0),
        ("2019", None),
        ("2020", 800.0),
    ]
    # A missing year splits the site's line in two and is marked "n/a", never drawn at 0.
    assert len(root.findall("svg:g[@class='site']/svg:polyline", NS)) == 2
    assert [t.text for t in root.iter(f"{{{NS['svg']}}}text") if t.get("class") == "missing"] == [
        "n/a"
    ]
    national_points = {
        int(c.get("data-year")): c.get("data-value")
        for c in root.findall("svg:g[@class='national']/svg:circle", NS)
    }
    assert national_points == {2016: "386.3", 2017: "382.9", 2018: "368.9", 2019: "366.7"}
    # The PSP years are shaded and the baseline mean is drawn.
    assert root.find("svg:rect[@class='psp-years']", NS) is not None
    assert root.find("svg:line[@class='baseline']", NS) is not None


def test_text_alternative_states_baseline_latest_change_and_missing_years():
    chart = rate_chart("Testville, OH", _series(), chart_id="t", psp_years=[2019, 2020])
    # (1000 + 950 + 925) / 3 = 958.3 ; (800.0 - 958.3) / 958.3 = -16.5%
    assert "Baseline (2016-2018) mean rate 958.3." in chart.description
    assert "2020, rate 800.0, -16.5% against the baseline" in chart.description
    assert "no national comparison" in chart.description  # no 2020 national rate here
    assert "Missing years: 2019." in chart.description
    root = ET.fromstring(str(chart.svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t-title t-desc"
    assert root.find("svg:desc", NS).text == chart.description


def test_small_multiple_carries_values_in_the_line_title():
    chart = rate_chart("Testville", _series(), chart_id="s", psp_years=[2019, 2020], small=True)
    titles = [t.text for t in ET.fromstring(str(chart.svg)).iter(f"{{{NS['svg']}}}title")]
    assert any(re.fullmatch(r"2016: 1,000.0; 2017: 950.0; 2018: 925.0", t or "") for t in titles)


def test_description_names_the_highest_year():
    """The PDF figure's /Alt states a finding (the peak), not just the site's name."""
    chart = rate_chart("Testville, OH", _series(), chart_id="t", psp_years=[2019, 2020])
    assert "The highest rate was 1,000.0, in 2016." in chart.description


def _font_sizes(chart_markup) -> set[float]:
    root = ET.fromstring(str(chart_markup))
    return {float(t.get("font-size")) for t in root.iter(f"{{{NS['svg']}}}text")}


def test_page_rate_charts_draw_text_large_enough_and_pdfs_keep_their_sizes():
    # Issue 16: page charts (fluid) draw labels at PAGE_TEXT_MIN viewBox units or more;
    # the PDF's charts (fixed) keep their smaller, print-sized labels.
    for small, width in ((False, 640), (True, 240)):
        kwargs = {"chart_id": "r", "psp_years": [2019, 2020], "small": small, "width": width}
        page = rate_chart("Site", _series(), **kwargs)
        pdf = rate_chart("Site", _series(), **kwargs, fixed=True)
        assert min(_font_sizes(page.svg)) >= PAGE_TEXT_MIN
        assert min(_font_sizes(pdf.pdf_svg)) < PAGE_TEXT_MIN
