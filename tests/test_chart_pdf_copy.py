"""A chart's PDF copy (Chart.pdf_svg) is its page markup with the finding in the <title>.

charts.svg._finish swaps the <title>'s text into the page markup instead of writing the
tree twice; these tests hold the copy to what writing the tree again would give."""

import xml.etree.ElementTree as ET

import pytest

from charts.svg import SVG_NS, _finish, _svg_root, horizontal_bar_chart, vertical_bar_chart
from outcomes.charts import rate_chart
from tests.outcomes.test_charts import _series

TRICKY = "Fish & <Chips> \"quoted\" 'too'"


def _tree(markup) -> list:
    return [(e.tag, sorted(e.attrib.items()), e.text, e.tail) for e in ET.fromstring(markup).iter()]


def _written_again(chart, title, description) -> list:
    """What the PDF copy was before: the page's tree with the <title> text set."""
    root = ET.fromstring(chart.svg)
    root.find(f"{{{SVG_NS}}}title").text = f"{title}. {description}"
    return _tree(ET.tostring(root, encoding="unicode"))


@pytest.mark.parametrize("fixed", [False, True])
def test_bar_charts_pdf_copy_is_the_page_markup_with_the_finding_as_title(fixed):
    rows = [(TRICKY, 3), ("B & b", 0), ("<c>", 7)]
    for draw in (vertical_bar_chart, horizontal_bar_chart):
        chart = draw(
            rows, title=TRICKY, description="Per <month> & more.", chart_id="c-1", fixed=fixed
        )
        assert _tree(chart.pdf_svg) == _written_again(chart, chart.title, chart.description)
        title = ET.fromstring(chart.pdf_svg).find(f"{{{SVG_NS}}}title")
        assert title.text == f"{TRICKY}. {chart.description}"
        # The page keeps the short title (the description is named by aria-labelledby).
        page_title = ET.fromstring(chart.svg).find(f"{{{SVG_NS}}}title")
        assert page_title.text == TRICKY


def test_a_rate_charts_pdf_copy_changes_only_the_first_title():
    # Small multiples carry more <title>s (on the lines); only the chart's own changes.
    for small in (True, False):
        chart = rate_chart(TRICKY, _series(), chart_id="r-1", psp_years=[2019, 2020], small=small)
        assert chart.svg.count("<title") > 2
        assert _tree(chart.pdf_svg) == _written_again(chart, chart.title, chart.description)


def test_an_empty_title_still_gets_the_finding():
    root = _svg_root(100, 50, "e-1", "", "Nothing & none.", False)
    chart = _finish(root, "", "Nothing & none.", [])
    title = ET.fromstring(chart.pdf_svg).find(f"{{{SVG_NS}}}title")
    assert title.text == ". Nothing & none."
