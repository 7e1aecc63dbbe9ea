"""The Outcomes page's rows (a small chart and a table row per site), each value already
written as the page shows it (issue 20).

Through `{% for %}` with `{% with %}`, `{% if %}` and the one_decimal filter per cell,
the page's two 48-site loops were the larger part of its rendering; the templates now
only place these values (`{% for_rows %}`), and tests/outcomes/test_page_rows.py holds
the markup to the old loops', byte for byte.
"""

from psp_portal.links import url_around

from .templatetags.outcomes import one_decimal

NONE = "—"


def _latest_text(latest) -> str:
    if latest is None:
        return "No verified figures after the baseline"
    text = f"{latest.year}: {one_decimal(latest.change)}% vs baseline"
    if latest.relative is not None:
        text += f", {one_decimal(latest.relative)} points vs the nation"
    return text


def site_rows(charts) -> list[dict]:
    """One dict per (SiteOutcome, small chart) of the page, in the given order."""
    head, tail = url_around("outcomes:site")
    rows = []
    for item, chart in charts:
        series = item.series
        latest = series.latest
        rows.append(
            {
                "url": f"{head}{item.site.pk}{tail}",
                "name": item.name,
                "svg": chart.svg,
                "latest": _latest_text(latest),
                "baseline_rate": one_decimal(series.baseline_rate) or "Missing",
                "latest_year": latest.year if latest else NONE,
                "rate": one_decimal(latest.rate) if latest else NONE,
                "change": f"{one_decimal(latest.change)}%" if latest else NONE,
                "national_change": f"{one_decimal(latest.national_change)}%"
                if latest and latest.national_change is not None
                else NONE,
                "relative": f"{one_decimal(latest.relative)} points"
                if latest and latest.relative is not None
                else NONE,
                "missing_years": ", ".join(str(year) for year in series.missing_years) or "None",
            }
        )
    return rows
