"""Bar charts drawn on the server as SVG, for web pages and the PDF reports alike.

The markup is built with ElementTree, so labels are always escaped, and uses SVG
presentation attributes (fill=, font-size=) rather than style="", so it can be
inlined under the portal's Content-Security-Policy (style-src 'self'). Every chart
carries a <title> and <desc> (named by aria-labelledby); pages should also show
`chart.rows` as a table for screen-reader users, who get the numbers, not a picture.
"""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
BAR_FILL = "#005ea2"  # USWDS primary blue: 7.5:1 contrast against white
TEXT_FILL = "#1b1b1b"
AXIS_STROKE = "#71767a"
FONT = "Source Sans Pro, Helvetica, Arial, sans-serif"
# Page charts (fixed=False) scale with their column, so their text is drawn at least
# this large in viewBox units: a 640-wide chart in the 608 px column of a 640 px window
# (200% zoom) still shows 12.4 px labels, and more at 1280 px (issue 16: chart text at
# least 12 px as rendered; tests/e2e/test_look.py measures it). PDFs (fixed=True) are
# drawn at their exact size and keep the sizes their layout was made for.
PAGE_TEXT_MIN = 13
# A sans-serif glyph's mean advance as a share of the font size (digits and lower case),
# to tell whether a row of labels fits before drawing it.
AVERAGE_GLYPH = 0.55


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    title: str
    description: str
    rows: list[tuple[str, float]]
    # The same chart whose <title> states the finding (the description): WeasyPrint
    # makes the <title> the figure's /Alt in the tagged PDF. Pages keep the short
    # title, since they name the description through aria-labelledby already.
    pdf_svg: SafeString = mark_safe("")

    def __str__(self):
        return self.svg

    @property
    def is_empty(self) -> bool:
        """No bar above zero: reports print one line of text instead of an empty plot."""
        return not any(value for _, value in self.rows)


def _format(value: float) -> str:
    """180000 -> "180,000"; 2.5 -> "2.5" (thousands separators, no trailing zeros)."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _svg_root(width: int, height: int, chart_id: str, title: str, description: str, fixed: bool):
    # On pages the chart fills its column (browsers take the height from the viewBox);
    # PDF templates ask for fixed=True, so WeasyPrint gets an exact size.
    size = {"width": str(width), "height": str(height)} if fixed else {"width": "100%"}
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            **size,
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "psp-chart",
            "id": chart_id,
            "font-family": FONT,
        },
    )
    ET.SubElement(root, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{chart_id}-desc"}).text = description
    return root


def _text(parent, x, y, text, *, anchor="start", size=12, cls="label", weight=None):
    """A label; `parent` is the chart's <svg> root, fluid on pages (see _svg_root)."""
    if parent.get("width") == "100%":
        size = max(size, PAGE_TEXT_MIN)
    attrs = {
        "x": f"{x:.1f}",
        "y": f"{y:.1f}",
        "text-anchor": anchor,
        "font-size": str(size),
        "fill": TEXT_FILL,
        "class": cls,
    }
    if weight:
        attrs["font-weight"] = weight
    ET.SubElement(parent, "text", attrs).text = text


def _finish(root, title, description, rows) -> Chart:
    markup = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    # The PDF's copy differs from the page's only in the text of its <title>, the root's
    # first child: swapped into the markup rather than the whole tree serialized a second
    # time on every page that draws a chart (issue 20). An empty <title> is written as
    # <title ... />, with no text to swap: then the tree is written again.
    pdf_title = f"{title}. {description}"
    title_element = root.find("title")
    if title_element.text:
        start = markup.index(">", markup.index("<title")) + 1
        end = markup.index("</title>", start)
        pdf_markup = markup[:start] + escape(pdf_title, quote=False) + markup[end:]
    else:
        title_element.text = pdf_title
        pdf_markup = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    # Built by ElementTree, every text escaped.
    return Chart(
        svg=mark_safe(markup),  # noqa: S308
        title=title,
        description=description,
        rows=rows,
        pdf_svg=mark_safe(pdf_markup),  # noqa: S308
    )


def _describe(description: str, rows) -> str:
    if not rows or not any(value for _, value in rows):
        return f"{description} No data yet."
    top_label, top_value = max(rows, key=lambda row: row[1])
    total = sum(value for _, value in rows)
    return f"{description} Total {_format(total)}; highest: {top_label} ({_format(top_value)})."


def vertical_bar_chart(
    rows: list[tuple[str, float]],
    *,
    title: str,
    description: str,
    chart_id: str,
    width: int = 640,
    height: int = 240,
    fixed: bool = False,
) -> Chart:
    """Columns, one per (label, value), left to right (e.g. engagements by month)."""
    rows = [(str(label), float(value)) for label, value in rows]
    description = _describe(description, rows)
    root = _svg_root(width, height, chart_id, title, description, fixed)
    left, right, top, bottom = 36, 8, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([value for _, value in rows] + [1])
    group = ET.SubElement(root, "g", {"class": "bars"})
    ET.SubElement(
        root,
        "line",
        {
            "x1": str(left), "y1": str(top + plot_h), "x2": str(left + plot_w),
            "y2": str(top + plot_h), "stroke": AXIS_STROKE, "stroke-width": "1",
        },
    )  # fmt: skip
    slot = plot_w / max(len(rows), 1)
    bar_w = max(slot * 0.7, 1)
    # 23 months in a 640-wide chart ran "Jan 25Feb 25..." together: where the labels do not
    # fit their slots, print every `stride`-th one (each bar keeps its <title>, and the page
    # or PDF prints the figures as a table too).
    text_size = 11 if fixed else max(11, PAGE_TEXT_MIN)
    widest = max([len(label) for label, _ in rows] + [len(_format(v)) for _, v in rows] + [1])
    stride = max(1, math.ceil((widest * text_size * AVERAGE_GLYPH + 4) / slot))
    for index, (label, value) in enumerate(rows):
        bar_h = plot_h * value / peak
        x = left + index * slot + (slot - bar_w) / 2
        y = top + plot_h - bar_h
        bar = ET.SubElement(
            group,
            "rect",
            {
                "x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{bar_w:.1f}", "height": f"{bar_h:.1f}",
                "fill": BAR_FILL, "class": "bar", "data-label": label, "data-value": _format(value),
            },
        )  # fmt: skip
        ET.SubElement(bar, "title").text = f"{label}: {_format(value)}"
        if index % stride:
            continue
        _text(root, x + bar_w / 2, y - 4, _format(value), anchor="middle", size=11, cls="value")
        _text(root, x + bar_w / 2, top + plot_h + 16, label, anchor="middle", size=11)
    return _finish(root, title, description, rows)


def horizontal_bar_chart(
    rows: list[tuple[str, float]],
    *,
    title: str,
    description: str,
    chart_id: str,
    width: int = 640,
    bar_height: int = 22,
    fixed: bool = False,
) -> Chart:
    """Bars, one per (label, value), top to bottom (e.g. engagements by focus area)."""
    rows = [(str(label), float(value)) for label, value in rows]
    description = _describe(description, rows)
    label_w, gap, top = 220, 8, 8
    height = top * 2 + max(len(rows), 1) * (bar_height + gap)
    root = _svg_root(width, height, chart_id, title, description, fixed)
    plot_w = width - label_w - 48
    peak = max([value for _, value in rows] + [1])
    group = ET.SubElement(root, "g", {"class": "bars"})
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        bar_w = plot_w * value / peak
        bar = ET.SubElement(
            group,
            "rect",
            {
                "x": str(label_w), "y": str(y), "width": f"{bar_w:.1f}", "height": str(bar_height),
                "fill": BAR_FILL, "class": "bar", "data-label": label, "data-value": _format(value),
            },
        )  # fmt: skip
        ET.SubElement(bar, "title").text = f"{label}: {_format(value)}"
        _text(root, label_w - 6, y + bar_height * 0.7, label, anchor="end")
        _text(root, label_w + bar_w + 4, y + bar_height * 0.7, _format(value), cls="value")
    return _finish(root, title, description, rows)
