"""The site engagement report ("site_engagement"), rendered by the reports pipeline.

One site, one calendar year: profile, phases, goals, the year's delivered
engagements and the same SVG charts the site page draws (program/charts.py).
For DOJ staff and liaisons who may read the site; it carries no INTERNAL fields,
but staff-only figures (planned and cancelled counts) appear in it.
"""

import datetime

from django import forms
from django.db.models import Count, Q, Sum
from django.utils import timezone

from engagements.models import Engagement
from engagements.stats import delivered_by_focus_area, delivered_by_month
from program.charts import horizontal_bar_chart, vertical_bar_chart
from reports.kinds import ReportKind, register

from .access import can_see_internal, sites_visible_to
from .models import FIRST_COHORT_YEAR, Site


def _params(report) -> tuple[int | None, int | None]:
    try:
        return int(report.params.get("site_id")), int(report.params.get("year"))
    except (TypeError, ValueError, AttributeError):
        return None, None


def site_engagement_context(report) -> dict:
    site_id, year = _params(report)
    site = Site.objects.select_related("jurisdiction", "liaison").get(pk=site_id)
    engagements = Engagement.objects.filter(site=site, start_date__year=year)
    delivered = list(engagements.filter(status=Engagement.Status.DELIVERED).order_by("start_date"))
    counts = engagements.aggregate(
        planned=Count("pk", filter=Q(status=Engagement.Status.PLANNED)),
        cancelled=Count("pk", filter=Q(status=Engagement.Status.CANCELLED)),
        hours=Sum("hours", filter=Q(status=Engagement.Status.DELIVERED)),
        participants=Sum("participants", filter=Q(status=Engagement.Status.DELIVERED)),
    )
    # The year's last day (or today, for the current year) ends the 12-month chart.
    last_day = min(datetime.date(year, 12, 31), timezone.localdate())
    charts = [
        vertical_bar_chart(
            delivered_by_month(site, months=12, today=last_day),
            title="Engagements delivered by month",
            description=f"Delivered engagements per month, 12 months to {last_day:%B %Y}.",
            chart_id="by-month",
            fixed=True,
        ),
        horizontal_bar_chart(
            delivered_by_focus_area(site),
            title="Engagements delivered by focus area",
            description="Delivered engagements per focus area since the site began.",
            chart_id="by-focus-area",
            fixed=True,
        ),
    ]
    return {
        "site": site,
        "year": year,
        "phases": list(site.phases.all()),
        "goals": list(site.goals.all()),
        "team": list(site.team.all()),
        "focus_areas": [row.get_focus_area_display() for row in site.focus_area_rows.all()],
        "delivered": delivered,
        "counts": counts,
        "charts": charts,
    }


def site_engagement_can_view(user, report) -> bool:
    site_id, _year = _params(report)
    if site_id is None or not user.is_authenticated or not can_see_internal(user):
        return False
    return sites_visible_to(user).filter(pk=site_id).exists()


def site_engagement_filename(report) -> str:
    site_id, year = _params(report)
    return f"site-{site_id}-engagements-{year}.pdf"


class SiteEngagementReportForm(forms.Form):
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none())
    year = forms.IntegerField(label="Year", min_value=FIRST_COHORT_YEAR)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_visible_to(user).select_related("jurisdiction")
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError("The year has not begun.", code="future")
        return year

    def to_params(self) -> dict:
        return {"site_id": self.cleaned_data["site"].pk, "year": self.cleaned_data["year"]}


SITE_ENGAGEMENT = register(
    ReportKind(
        slug="site_engagement",
        title="Site engagement report",
        template_name="sites/pdf_site_engagement.html",
        build_context=site_engagement_context,
        can_view=site_engagement_can_view,
        params_form=SiteEngagementReportForm,
        filename=site_engagement_filename,
        can_request=can_see_internal,
    )
)
