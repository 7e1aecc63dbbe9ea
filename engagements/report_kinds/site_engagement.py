"""The site engagement report ("site_engagement"), rendered by the reports pipeline.

One site over a date range (or a calendar year): profile, team, phase timeline,
totals (engagements, hours, participants) by type and by focus area with SVG
charts (charts/svg.py), the table of delivered engagements, open follow-ups,
and the strategic-plan goals with their status. For DOJ staff and liaisons who may
read the site; it carries no INTERNAL fields, but staff-only figures (planned and
cancelled counts) appear in it.

Every figure is aggregated in SQL with a fixed number of queries, so a site with
1,000 engagements renders in seconds.
"""

import datetime

from django import forms
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from charts.svg import horizontal_bar_chart, vertical_bar_chart
from program.focus_areas import FocusArea
from reports.kinds import ReportKind, register
from sites.access import can_see_internal, sites_visible_to
from sites.models import FIRST_COHORT_YEAR, Site

from ..models import Engagement, FollowUpAction
from ..stats import totals_by_type
from .common import DATE_WIDGET, MAX_RANGE_DAYS, date_param, month_starts

DELIVERED = Engagement.Status.DELIVERED


def _params(report) -> tuple[int | None, datetime.date | None, datetime.date | None]:
    """(site id, first day, last day); params hold either start/end or a calendar year."""
    try:
        params = report.params
        site_id = int(params.get("site_id"))
        if params.get("start"):
            return site_id, date_param(params["start"]), date_param(params["end"])
        year = int(params.get("year"))
        return site_id, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except (TypeError, ValueError, AttributeError, KeyError):
        return None, None, None


CHART_MAX_MONTHS = 24  # a longer period is charted by year


def site_engagement_context(report) -> dict:
    site_id, start, end = _params(report)
    site = Site.objects.select_related("jurisdiction", "liaison").get(pk=site_id)
    year = report.params.get("year") if not report.params.get("start") else None
    whole_year = start == datetime.date(start.year, 1, 1) and end == datetime.date(
        start.year, 12, 31
    )
    period = str(start.year) if whole_year else f"{start:%B %-d, %Y} to {end:%B %-d, %Y}"
    in_range = Engagement.objects.filter(site=site, start_date__range=(start, end))
    delivered_qs = in_range.filter(status=DELIVERED)
    delivered = list(delivered_qs.order_by("start_date", "pk"))
    counts = in_range.aggregate(
        planned=Count("pk", filter=Q(status=Engagement.Status.PLANNED)),
        cancelled=Count("pk", filter=Q(status=Engagement.Status.CANCELLED)),
        hours=Sum("hours", filter=Q(status=DELIVERED)),
        participants=Sum("participants", filter=Q(status=DELIVERED)),
    )

    per_month = {
        date_param(row["month"]).replace(day=1): row["count"]
        for row in delivered_qs.annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(count=Count("pk"))
    }
    months = month_starts(start, end)
    if len(months) <= CHART_MAX_MONTHS:
        chart_unit = "month"
        by_month = [(f"{month:%b %y}", per_month.get(month, 0)) for month in months]
    else:
        # Hundreds of monthly bars are unreadable and cost WeasyPrint a text layout per
        # label: a long period is charted by year.
        chart_unit = "year"
        per_year = {year: 0 for year in range(start.year, end.year + 1)}
        for month, count in per_month.items():
            per_year[month.year] += count
        by_month = [(str(year), count) for year, count in per_year.items()]

    by_type = totals_by_type(delivered_qs)
    # Focus areas are a JSON list per engagement (an engagement may count in several);
    # the delivered rows are already loaded, so they are counted here.
    area_totals = {value: {"count": 0, "hours": 0, "participants": 0} for value in FocusArea.values}
    for engagement in delivered:
        for value in engagement.focus_areas or []:
            if value in area_totals:
                area_totals[value]["count"] += 1
                area_totals[value]["hours"] += engagement.hours or 0
                area_totals[value]["participants"] += engagement.participants or 0
    by_focus_area = [
        {"label": label, **area_totals[value]}
        for value, label in FocusArea.choices
        if area_totals[value]["count"]
    ]
    follow_ups = list(
        FollowUpAction.objects.filter(engagement__site=site, done=False)
        .exclude(engagement__status=Engagement.Status.CANCELLED)
        .select_related("engagement")
        .order_by("due_date", "pk")
    )
    charts = [
        vertical_bar_chart(
            by_month,
            title=f"Engagements delivered by {chart_unit}",
            description=f"Delivered engagements per {chart_unit}, {period}.",
            chart_id="by-month",
            fixed=True,
        ),
        horizontal_bar_chart(
            [(row["label"], row["count"]) for row in by_type],
            title="Engagements delivered by type",
            description=f"Delivered engagements per type, {period}.",
            chart_id="by-type",
            fixed=True,
        ),
        horizontal_bar_chart(
            [(label, area_totals[value]["count"]) for value, label in FocusArea.choices],
            title="Engagements delivered by focus area",
            description=f"Delivered engagements per focus area, {period}.",
            chart_id="by-focus-area",
            fixed=True,
        ),
    ]
    return {
        "site": site,
        "year": year,
        "start": start,
        "end": end,
        "period": period,
        "today": timezone.localdate(),
        "phases": list(site.phases.all()),
        "goals": list(site.goals.all()),
        "team": list(site.team.all()),
        "focus_areas": [row.get_focus_area_display() for row in site.focus_area_rows.all()],
        "delivered": delivered,
        "counts": counts,
        "by_type": by_type,
        "by_focus_area": by_focus_area,
        "follow_ups": follow_ups,
        "charts": charts,
        "chart_unit": chart_unit,
    }


def site_engagement_can_view(user, report) -> bool:
    site_id, _start, _end = _params(report)
    if site_id is None or not user.is_authenticated or not can_see_internal(user):
        return False
    return sites_visible_to(user).filter(pk=site_id).exists()


def site_engagement_filename(report) -> str:
    site_id, start, end = _params(report)
    if report.params.get("year") and not report.params.get("start"):
        return f"site-{site_id}-engagements-{start.year}.pdf"
    return f"site-{site_id}-engagements-{start:%Y%m%d}-{end:%Y%m%d}.pdf"


class SiteEngagementReportForm(forms.Form):
    """A site the user may read, and a calendar year or a date range."""

    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label="Choose a site",
        error_messages={"invalid_choice": "Choose one of the sites listed."},
    )
    year = forms.IntegerField(
        label="Year",
        min_value=FIRST_COHORT_YEAR,
        required=False,
        help_text="A calendar year, or leave empty and give a date range below.",
    )
    start = forms.DateField(label="From", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="To", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sites the user may read (a scoped liaison: their own).
        visible = sites_visible_to(user) if can_see_internal(user) else Site.objects.none()
        self.fields["site"].queryset = visible.select_related("jurisdiction")
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError("The year has not begun.", code="future")
        return year

    def clean(self):
        cleaned = super().clean()
        year, start, end = cleaned.get("year"), cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if start or end:
            if not start:
                self.add_error("start", "Enter the first day of the range.")
            elif not end:
                self.add_error("end", "Enter the last day of the range.")
            elif end < start:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("end", "Choose a range of at most five years.")
        elif year is None:
            self.add_error("year", "Enter a year, or a start and end date.")
        return cleaned

    def to_params(self) -> dict:
        site_id = self.cleaned_data["site"].pk
        if self.cleaned_data.get("start"):
            return {
                "site_id": site_id,
                "start": self.cleaned_data["start"].isoformat(),
                "end": self.cleaned_data["end"].isoformat(),
            }
        return {"site_id": site_id, "year": self.cleaned_data["year"]}


SITE_ENGAGEMENT = register(
    ReportKind(
        slug="site_engagement",
        title="Site engagement report",
        template_name="pdf/site_engagement.html",
        build_context=site_engagement_context,
        can_view=site_engagement_can_view,
        params_form=SiteEngagementReportForm,
        filename=site_engagement_filename,
        can_request=can_see_internal,
    )
)
