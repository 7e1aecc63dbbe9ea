"""`{% outcomes_panel site %}` on the site page and `{% outcomes_workspace %}` in the
liaison workspace: the host apps include a tag, and never import outcomes. The
`name_items` and `figure_items` filters write the Outcomes page's summary lists."""

import functools
import html
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import mark_safe

from ..access import can_enter, can_review
from ..arithmetic import SiteSeries
from ..charts import rate_chart
from ..models import OutcomeYear
from ..selectors import memoized_site_series, national_rates, psp_years, site_figures

register = template.Library()


@register.inclusion_tag("outcomes/_site_panel.html", takes_context=True)
def outcomes_panel(context, site):
    """Two queries: the site's outcome rows and the national rates."""
    user = context["request"].user
    # The rows' figures only, and the series from memory when they have not changed: the
    # site page is read far more often than its figures change (issue 20).
    rows = site_figures(site)
    series = memoized_site_series(site, rows, national_rates())
    name = f"{site.jurisdiction.name}, {site.jurisdiction.state}"
    entering, reviewing = can_enter(user, site), can_review(user, site)
    waiting = {"due", "returned"} if entering else {"submitted"} if reviewing else set()
    return {
        "site": site,
        "series": series,
        "chart": _site_chart(name, series, tuple(psp_years(site))),
        "can_enter": entering,
        "can_review": reviewing,
        "pending": sum(1 for row in rows if row.status in waiting),
    }


# A chart is 4 to 10 kB of SVG: 1,000 of them, a program's sites a few times over, stay
# within 10 MB per process.
SITE_CHART_CACHE_SIZE = 1_000


@functools.lru_cache(maxsize=SITE_CHART_CACHE_SIZE)
def _site_chart(name: str, series: SiteSeries, years: tuple[int, ...]):
    """The panel's chart, drawn once per name, series and PSP years: the series is the
    memoized one while the figures stand, and drawing its SVG was a twentieth of the
    site page (issue 20). Keyed by value, so any change draws a new chart."""
    return rate_chart(name, series, chart_id="site-outcomes", psp_years=list(years))


WORKSPACE_FIELDS = (
    "site_id", "year", "status", "submitted_at", "return_reason", "site__jurisdiction__name",
)  # fmt: skip


@register.inclusion_tag("outcomes/_workspace.html", takes_context=True)
def outcomes_workspace(context):
    """The liaison's sites with figures due, returned or waiting for verification (one query)."""
    user = context["request"].user
    rows = list(
        OutcomeYear.objects.filter(
            site__liaison=user,
            status__in=[
                OutcomeYear.Status.DUE,
                OutcomeYear.Status.RETURNED,
                OutcomeYear.Status.SUBMITTED,
            ],
        )
        .select_related("site__jurisdiction")
        # What the lists show: an outcome row is some thirty columns, its site and
        # jurisdiction as many, and building the query took 1.1 ms of CPU (issue 20).
        .only(*WORKSPACE_FIELDS)
        .order_by("status", "site__jurisdiction__name", "year")[:200]
    )
    return {
        "to_verify": [r for r in rows if r.status == OutcomeYear.Status.SUBMITTED],
        "due": [r for r in rows if r.status == OutcomeYear.Status.DUE],
        "returned": [r for r in rows if r.status == OutcomeYear.Status.RETURNED],
    }


ONE_DP = Decimal("0.1")


@register.filter(is_safe=True)
def one_decimal(value) -> str:
    """The text of `value|floatformat:1` (en-us, no thousands separator).

    For the arithmetic's Decimals, without floatformat's locale lookups: the Outcomes
    page shows some 2,000 figures at bench scale 10 (its summary lists, its table), and
    those lookups cost more per figure than the rest of the figure's markup. Anything
    else (None, a float) goes to floatformat.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        return floatformat(value, 1)
    value = value.quantize(ONE_DP, ROUND_HALF_UP)
    return f"{value if value else abs(value):f}"  # -0.0 reads 0.0, as floatformat writes it


# The summary lists are written here rather than by a {% for %} of the template: one
# list item per site with data, and the template language's cost per variable made
# them a sixth of the Outcomes page's time. The markup is the loop's, item for item.
# html.escape is what django.utils.html.escape calls, without its lazy-string wrapper
# and SafeString per name (some 3,000 names a page at bench scale 10).
@register.filter
def name_items(names) -> str:
    """`<li>name</li>` for each name; `<li>None yet.</li>` when there is none."""
    if not names:
        return mark_safe("<li>None yet.</li>")
    return mark_safe("".join(f"<li>{html.escape(name)}</li>" for name in names))


@register.filter
def figure_items(sites, unit: str) -> str:
    """`<li>name: figure<unit> (year)</li>` for each (name, figure, year) of a summary
    figure's sites; `<li>None yet.</li>` when there is none."""
    if not sites:
        return mark_safe("<li>None yet.</li>")
    unit = html.escape(unit)
    return mark_safe(
        "".join(
            f"<li>{html.escape(name)}: {one_decimal(value)}{unit} ({year})</li>"
            for name, value, year in sites
        )
    )
