"""`{% outcomes_panel site %}` on the site page and `{% outcomes_workspace %}` in the
liaison workspace: the host apps include a tag, and never import outcomes."""

from django import template

from ..access import can_enter, can_review
from ..charts import rate_chart
from ..models import OutcomeYear
from ..selectors import national_rates, psp_years, site_series

register = template.Library()


@register.inclusion_tag("outcomes/_site_panel.html", takes_context=True)
def outcomes_panel(context, site):
    """Two queries: the site's outcome rows and the national rates."""
    user = context["request"].user
    rows = list(OutcomeYear.objects.filter(site=site).order_by("year"))
    series = site_series(site, rows, national_rates())
    name = f"{site.jurisdiction.name}, {site.jurisdiction.state}"
    entering, reviewing = can_enter(user, site), can_review(user, site)
    waiting = {"due", "returned"} if entering else {"submitted"} if reviewing else set()
    return {
        "site": site,
        "series": series,
        "chart": rate_chart(name, series, chart_id="site-outcomes", psp_years=psp_years(site)),
        "can_enter": entering,
        "can_review": reviewing,
        "pending": sum(1 for row in rows if row.status in waiting),
    }


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
        .order_by("status", "site__jurisdiction__name", "year")[:200]
    )
    return {
        "to_verify": [r for r in rows if r.status == OutcomeYear.Status.SUBMITTED],
        "due": [r for r in rows if r.status == OutcomeYear.Status.DUE],
        "returned": [r for r in rows if r.status == OutcomeYear.Status.RETURNED],
    }
