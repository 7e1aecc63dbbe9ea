"""The program report ("program_report"), rendered by the reports pipeline.

Every site (or one cohort) over a date range, for DOJ leadership: sites by phase,
delivered engagements and hours by month, focus-area coverage, sites with no
delivered engagement in the 60 days before the range end, and the liaisons'
workload. Produced on request (reports.request_program_reports) and each quarter
by celery beat (reports.schedule).

Every figure is aggregated in SQL with a fixed number of queries, whatever the
number of sites or engagements (the program report over 100 sites renders in seconds).
"""

import datetime

from django import forms
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from charts.svg import horizontal_bar_chart, vertical_bar_chart
from program.focus_areas import FocusArea
from reports.kinds import ReportKind, register
from sites.models import Site, SiteFocusArea, SitePhase

from ..models import Engagement
from .common import DATE_WIDGET, MAX_RANGE_DAYS, date_param, month_starts

DELIVERED = Engagement.Status.DELIVERED
# A site with no delivered engagement in this many days before the range end is "quiet".
QUIET_DAYS = 60


def _program_params(report) -> tuple[int | None, datetime.date, datetime.date]:
    params = report.params or {}
    cohort = params.get("cohort")
    return (
        (int(cohort) if cohort not in (None, "") else None),
        date_param(params["start"]),
        date_param(params["end"]),
    )


def program_report_context(report) -> dict:
    cohort, start, end = _program_params(report)
    quiet_from = end - datetime.timedelta(days=QUIET_DAYS - 1)
    # Sites that had begun by the range end (a later cohort is not yet in the program).
    sites = Site.objects.in_program().filter(start_date__lte=end)
    if cohort is not None:
        sites = sites.filter(cohort_year=cohort)

    delivered = Q(engagements__status=DELIVERED)
    in_range = delivered & Q(engagements__start_date__range=(start, end))
    recent = delivered & Q(engagements__end_date__gte=quiet_from, engagements__start_date__lte=end)
    phase_at_end = SitePhase.objects.filter(site=OuterRef("pk"), started_on__lte=end).order_by(
        "-started_on", "-pk"
    )
    # Query 1: one row per site with its range figures (one join on engagements).
    site_rows = list(
        sites.select_related("jurisdiction", "liaison")
        .annotate(
            phase_at_end=Subquery(phase_at_end.values("phase")[:1]),
            engagements_in_range=Count("engagements", filter=in_range),
            hours_in_range=Sum("engagements__hours", filter=in_range),
            participants_in_range=Sum("engagements__participants", filter=in_range),
            recent_engagements=Count("engagements", filter=recent),
            last_delivered_on=Max(
                "engagements__end_date", filter=delivered & Q(engagements__end_date__lte=end)
            ),
        )
        .order_by("jurisdiction__name", "cohort_year", "pk")
    )
    phase_labels = dict(Site.Phase.choices)
    for site in site_rows:
        site.phase_at_end = site.phase_at_end or site.phase
        site.phase_at_end_label = phase_labels.get(site.phase_at_end, site.phase_at_end)
    by_phase = [
        (label, sum(1 for site in site_rows if site.phase_at_end == value))
        for value, label in Site.Phase.choices
    ]
    quiet = [
        site
        for site in site_rows
        if site.recent_engagements == 0 and site.phase_at_end != Site.Phase.GRADUATED
    ]

    engagements = Engagement.objects.filter(
        site__in=sites, status=DELIVERED, start_date__range=(start, end)
    )
    # Query 2: delivered engagements, hours and participants per month.
    per_month = {
        date_param(row["month"]).replace(day=1): row
        for row in engagements.annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(count=Count("pk"), hours=Sum("hours"), participants=Sum("participants"))
        .order_by("month")
    }
    months = [
        {
            "month": month,
            "count": per_month.get(month, {}).get("count") or 0,
            "hours": per_month.get(month, {}).get("hours") or 0,
            "participants": per_month.get(month, {}).get("participants") or 0,
        }
        for month in month_starts(start, end)
    ]
    totals = {
        "sites": len(site_rows),
        "engagements": sum(row["count"] for row in months),
        "hours": sum(row["hours"] for row in months),
        "participants": sum(row["participants"] for row in months),
        "sites_served": sum(1 for site in site_rows if site.engagements_in_range),
        "quiet": len(quiet),
    }

    # Query 3: how many sites chose each focus area.
    chosen = dict(
        SiteFocusArea.objects.filter(site__in=sites)
        .values("focus_area")
        .annotate(n=Count("site", distinct=True))
        .values_list("focus_area", "n")
    )
    # Query 4: focus areas of the range's delivered engagements (a JSON list per row;
    # counted here because JSON containment differs between SQLite and PostgreSQL).
    engaged_sites: dict[str, set[int]] = {value: set() for value in FocusArea.values}
    engaged_count = dict.fromkeys(FocusArea.values, 0)
    for site_id, areas in engagements.values_list("site_id", "focus_areas"):
        for value in areas or []:
            if value in engaged_count:
                engaged_count[value] += 1
                engaged_sites[value].add(site_id)
    focus_areas = [
        {
            "label": label,
            "sites_chosen": chosen.get(value, 0),
            "sites_engaged": len(engaged_sites[value]),
            "engagements": engaged_count[value],
        }
        for value, label in FocusArea.choices
    ]

    # Query 5: each liaison's sites, and the engagements and hours delivered to them.
    liaisons = list(
        sites.values("liaison_id", "liaison__full_name", "liaison__email")
        .annotate(
            site_count=Count("pk", distinct=True),
            engagement_count=Count("engagements", filter=in_range),
            hours_total=Sum("engagements__hours", filter=in_range),
        )
        .order_by("liaison__full_name", "liaison__email")
    )
    for row in liaisons:
        row["name"] = row["liaison__full_name"] or row["liaison__email"] or "No liaison assigned"
        row["sites"] = row.pop("site_count")
        row["engagements"] = row.pop("engagement_count")
        row["hours"] = row.pop("hours_total") or 0

    period = f"{start:%B %-d, %Y} to {end:%B %-d, %Y}"
    charts = [
        vertical_bar_chart(
            [(f"{row['month']:%b %y}", row["count"]) for row in months],
            title="Engagements delivered by month",
            description=f"Delivered engagements per month, {period}.",
            chart_id="program-by-month",
            fixed=True,
        ),
        vertical_bar_chart(
            [(f"{row['month']:%b %y}", row["hours"]) for row in months],
            title="Hours delivered by month",
            description=f"Hours of delivered engagements per month, {period}.",
            chart_id="program-hours-by-month",
            fixed=True,
        ),
    ]
    focus_chart = horizontal_bar_chart(
        [(row["label"], row["sites_engaged"]) for row in focus_areas],
        title="Sites served by focus area",
        description=f"Sites with a delivered engagement in each focus area, {period}.",
        chart_id="program-by-focus-area",
        fixed=True,
    )
    return {
        "cohort": cohort,
        "start": start,
        "end": end,
        "quiet_from": quiet_from,
        "quiet_days": QUIET_DAYS,
        "sites": site_rows,
        "by_phase": by_phase,
        "months": months,
        "totals": totals,
        "focus_areas": focus_areas,
        "focus_chart": focus_chart,
        "quiet": quiet,
        "liaisons": liaisons,
        "charts": charts,
        "scheduled": bool(report.schedule_key),
    }


def can_request_program_report(user) -> bool:
    return user.is_authenticated and user.has_perm("reports.request_program_reports")


def program_report_can_view(user, report) -> bool:
    # Program-wide figures: holders of the permission; the requester keeps sight of
    # their own request only while they hold it too (access may have ended).
    return can_request_program_report(user)


def program_report_filename(report) -> str:
    cohort, start, end = _program_params(report)
    scope = f"cohort-{cohort}" if cohort else "all-sites"
    return f"program-report-{scope}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"


def program_report_on_ready(report) -> None:
    # Scheduled (quarterly) reports mail the program admins a link; requested ones
    # are followed on their status page.
    if report.schedule_key:
        from reports.schedule import program_report_mail_admins

        program_report_mail_admins(report=report)


class DateRangeForm(forms.Form):
    """A start and end date; an end before the start is refused beside the end field."""

    start = forms.DateField(label="From", widget=DATE_WIDGET, help_text="First day covered.")
    end = forms.DateField(label="To", widget=DATE_WIDGET, help_text="Last day covered.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("end", "Choose a range of at most five years.")
        return cleaned


class ProgramReportForm(DateRangeForm):
    cohort = forms.TypedChoiceField(
        label="Cohort",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave empty for every site.",
    )
    field_order = ["cohort", "start", "end"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        years = Site.objects.order_by("-cohort_year").values_list("cohort_year", flat=True)
        self.fields["cohort"].choices = [("", "All sites")] + [
            (year, f"{year} cohort") for year in dict.fromkeys(years)
        ]
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(month=1, day=1)
        self.fields["end"].initial = today

    def to_params(self) -> dict:
        return {
            "cohort": self.cleaned_data["cohort"],
            "start": self.cleaned_data["start"].isoformat(),
            "end": self.cleaned_data["end"].isoformat(),
        }


PROGRAM_REPORT = register(
    ReportKind(
        slug="program_report",
        title="Program report",
        template_name="pdf/program_report.html",
        build_context=program_report_context,
        can_view=program_report_can_view,
        params_form=ProgramReportForm,
        on_ready=program_report_on_ready,
        filename=program_report_filename,
        can_request=can_request_program_report,
    )
)
