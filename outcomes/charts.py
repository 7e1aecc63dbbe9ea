"""Line charts of a site's violent-crime rate against the nation, as server-side SVG.

Built on the portal's chart renderer (charts/svg.py: ElementTree markup,
presentation attributes instead of style="", a <title> and <desc> named by
aria-labelledby), so pages and PDFs draw them the same way under the strict CSP.
A missing year breaks the line (a gap, never a dip to zero) and is named in the
description; the PSP years are shaded and the baseline mean is a dashed line.
`chart.rows` carries the numbers for the data table shown beside each chart.
"""

import functools
import xml.etree.ElementTree as ET
from decimal import Decimal

from charts.svg import AXIS_STROKE, BAR_FILL, Chart, _finish, _svg_root, _text

from .arithmetic import SiteSeries

SITE_STROKE = BAR_FILL  # USWDS primary blue
NATIONAL_STROKE = "#565c65"  # USWDS base-dark: 7:1 against white
PSP_FILL = "#e7f2f5"  # light band behind the PSP years
BASELINE_STROKE = "#1a4480"


def _fmt(value: Decimal | None) -> str:
    return "missing" if value is None else f"{value:,.1f}"


def _signed(value: Decimal | None) -> str:
    return "missing" if value is None else f"{value:+.1f}%"


def describe(name: str, series: SiteSeries) -> str:
    """The text alternative: what a sighted reader takes from the picture."""
    years = [row.year for row in series.years]
    if not years:
        return f"{name}: no years to show."
    parts = [
        f"Violent-crime rate per 100,000 in {name}, {years[0]} to {years[-1]}, with the national rate."
    ]
    if series.baseline_years:
        span = f"{series.baseline_years[0]}-{series.baseline_years[-1]}"
        parts.append(f"Baseline ({span}) mean rate {_fmt(series.baseline_rate)}.")
    latest = series.latest
    if latest is not None:
        national = (
            f"; the nation {_signed(latest.national_change)}"
            if latest.national_change is not None
            else "; no national comparison"
        )
        parts.append(
            f"Latest year with figures: {latest.year}, rate {_fmt(latest.rate)}, "
            f"{_signed(latest.change)} against the baseline{national}."
        )
    else:
        parts.append("No verified figures after the baseline yet.")
    rated = [row for row in series.years if row.rate is not None]
    if rated:
        top = max(rated, key=lambda row: row.rate)
        parts.append(f"The highest rate was {_fmt(top.rate)}, in {top.year}.")
    if series.missing_years:
        parts.append("Missing years: " + ", ".join(str(y) for y in series.missing_years) + ".")
    return " ".join(parts)


def rate_chart(
    name: str,
    series: SiteSeries,
    *,
    chart_id: str,
    psp_years: list[int],
    width: int = 640,
    height: int = 260,
    small: bool = False,
    fixed: bool = False,
) -> Chart:
    """The site's rate (solid) and the national rate (dashed) per year."""
    title = f"{name}: violent-crime rate per 100,000" if not small else name
    description = describe(name, series)
    root = _svg_root(width, height, chart_id, title, description, fixed)
    years = [row.year for row in series.years]
    rows = [
        (str(row.year), float(row.rate) if row.rate is not None else None) for row in series.years
    ]
    if not years:
        return _finish(root, title, description, rows)
    left, right = (16, 16) if small else (52, 16)
    top, bottom = (8, 20) if small else (16, 44)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [row.rate for row in series.years if row.rate is not None]
    values += [row.national_rate for row in series.years if row.national_rate is not None]
    if series.baseline_rate is not None:
        values.append(series.baseline_rate)
    peak = float(max(values)) if values else 1.0
    peak = peak * 1.1 or 1.0
    slot = plot_w / max(len(years) - 1, 1)

    def x_of(year):
        return left + (years.index(year)) * slot

    def y_of(value):
        return top + plot_h - plot_h * float(value) / peak

    # PSP years, shaded from half a slot before the first to half after the last.
    shown_psp = [y for y in psp_years if y in years]
    if shown_psp:
        x1 = max(x_of(shown_psp[0]) - slot / 2, left)
        x2 = min(x_of(shown_psp[-1]) + slot / 2, left + plot_w)
        band = ET.SubElement(
            root,
            "rect",
            {"x": f"{x1:.1f}", "y": str(top), "width": f"{x2 - x1:.1f}", "height": f"{plot_h:.1f}",
             "fill": PSP_FILL, "class": "psp-years"},
        )  # fmt: skip
        ET.SubElement(band, "title").text = f"PSP years {shown_psp[0]}-{shown_psp[-1]}"
        if not small:
            _text(root, (x1 + x2) / 2, top + 12, "PSP years", anchor="middle", size=11)
    ET.SubElement(
        root,
        "line",
        {"x1": str(left), "y1": f"{top + plot_h:.1f}", "x2": f"{left + plot_w:.1f}",
         "y2": f"{top + plot_h:.1f}", "stroke": AXIS_STROKE, "stroke-width": "1"},
    )  # fmt: skip
    if series.baseline_rate is not None:
        y = y_of(series.baseline_rate)
        ET.SubElement(
            root,
            "line",
            {"x1": str(left), "y1": f"{y:.1f}", "x2": f"{left + plot_w:.1f}", "y2": f"{y:.1f}",
             "stroke": BASELINE_STROKE, "stroke-width": "1", "stroke-dasharray": "2 3",
             "class": "baseline"},
        )  # fmt: skip
        if not small:
            _text(
                root,
                left + plot_w,
                y - 4,
                f"Baseline {_fmt(series.baseline_rate)}",
                anchor="end",
                size=11,
            )

    def polyline(points, stroke, cls, dash=None):
        # One polyline per run of consecutive years: a missing year leaves a gap.
        runs, current = [], []
        for year, value in points:
            if value is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append((x_of(year), y_of(value), year, value))
        if current:
            runs.append(current)
        group = ET.SubElement(root, "g", {"class": cls})
        for run in runs:
            attrs = {
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y, _yr, _v in run),
                "fill": "none", "stroke": stroke, "stroke-width": "2" if not small else "1.5",
            }  # fmt: skip
            if dash:
                attrs["stroke-dasharray"] = dash
            line = ET.SubElement(group, "polyline", attrs)
            if small:
                # Small multiples: no dots (a hundred charts on a page, and in a PDF,
                # each dot an element to lay out); the line carries the values instead.
                ET.SubElement(line, "title").text = "; ".join(
                    f"{year}: {value:,.1f}" for _x, _y, year, value in run
                )
                continue
            for x, y, year, value in run:
                dot = ET.SubElement(
                    group,
                    "circle",
                    {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "3" if not small else "2",
                     "fill": stroke, "data-year": str(year), "data-value": f"{value:.1f}"},
                )  # fmt: skip
                ET.SubElement(dot, "title").text = f"{year}: {value:,.1f}"

    polyline([(r.year, r.national_rate) for r in series.years], NATIONAL_STROKE, "national", "5 3")
    polyline([(r.year, r.rate) for r in series.years], SITE_STROKE, "site")
    for row in series.years:
        if row.rate is None:
            _text(
                root,
                x_of(row.year),
                top + plot_h - 4,
                "n/a",
                anchor="middle",
                size=9,
                cls="missing",
            )
    label_years = years if not small else [years[0], years[-1]]
    for year in label_years:
        _text(
            root,
            x_of(year),
            top + plot_h + (14 if small else 16),
            str(year),
            anchor="middle",
            size=10 if small else 11,
        )
    if not small:
        _text(root, left - 6, top + 10, f"{peak:,.0f}", anchor="end", size=10)
        _text(root, left - 6, top + plot_h, "0", anchor="end", size=10)
        legend_y = height - 8
        ET.SubElement(root, "line", {"x1": str(left), "y1": str(legend_y - 4), "x2": str(left + 24), "y2": str(legend_y - 4), "stroke": SITE_STROKE, "stroke-width": "2"})  # fmt: skip
        _text(root, left + 30, legend_y, name, size=11)
        ET.SubElement(root, "line", {"x1": str(left + 260), "y1": str(legend_y - 4), "x2": str(left + 284), "y2": str(legend_y - 4), "stroke": NATIONAL_STROKE, "stroke-width": "2", "stroke-dasharray": "5 3"})  # fmt: skip
        _text(root, left + 290, legend_y, "United States", size=11)
    return _finish(root, title, description, rows)


# The Outcomes page draws a page of these small multiples on every request, a quarter
# of its time, for series that change a few times a year. So each process keeps them
# under all their inputs, the site's series itself among them (frozen, compared field
# by field), never under a version or a date: a change makes a new key and an entry is
# never stale. About 7 KB each (the page's and the PDF's markup): 1,000 take some 7 MB a
# process, twenty pages of the Outcomes page's small multiples.
SMALL_CHART_CACHE_SIZE = 1_000


@functools.lru_cache(maxsize=SMALL_CHART_CACHE_SIZE)
def small_rate_chart(
    name: str, series: SiteSeries, *, chart_id: str, psp_years: tuple[int, ...]
) -> Chart:
    """The Outcomes page's small multiple of a site (`rate_chart`, 240 x 120, small)."""
    return rate_chart(
        name,
        series,
        chart_id=chart_id,
        psp_years=list(psp_years),
        width=240,
        height=120,
        small=True,
    )
