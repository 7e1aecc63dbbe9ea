"""Engagement reports rendered by the reports pipeline.

- "program_report": every site (or one cohort) over a date range, for DOJ leadership:
  sites by phase, delivered engagements and hours by month, focus-area coverage,
  sites with no delivered engagement in the 60 days before the range end, and the
  liaisons' workload. Produced on request (reports.request_program_reports) and
  each quarter by celery beat (reports.schedule).
- "half_year_narrative": one site's half-year narrative update (BJA reporting)
  with the period's figures; INTERNAL, so for staff and liaisons who read the site.

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
from sites.access import can_see_internal, sites_visible_to
from sites.models import FIRST_COHORT_YEAR, Site, SiteFocusArea, SitePhase

from .models import Engagement, NarrativeUpdate
from .services import half_year_bounds, half_year_figures

DELIVERED = Engagement.Status.DELIVERED
# A site with no delivered engagement in this many days before the range end is "quiet".
QUIET_DAYS = 60
# Longest range a program report covers (keeps the by-month chart readable).
MAX_RANGE_DAYS = 5 * 366
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


# --------------------------------------------------------------------------
# Program report
# --------------------------------------------------------------------------


def _program_params(report) -> tuple[int | None, datetime.date, datetime.date]:
    params = report.params or {}
    cohort = params.get("cohort")
    return (
        (int(cohort) if cohort not in (None, "") else None),
        _date(params["start"]),
        _date(params["end"]),
    )


def program_report_context(report) -> dict:
    cohort, start, end = _program_params(report)
    quiet_from = end - datetime.timedelta(days=QUIET_DAYS - 1)
    # Sites that had begun by the range end (a later cohort is not yet in the program).
    sites = Site.objects.filter(start_date__lte=end)
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
        _date(row["month"]).replace(day=1): row
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
        for month in _month_starts(start, end)
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


# --------------------------------------------------------------------------
# Half-year narrative
# --------------------------------------------------------------------------


def _narrative_params(report) -> tuple[int | None, int | None, int | None]:
    try:
        params = report.params
        return int(params["site_id"]), int(params["year"]), int(params["half"])
    except (TypeError, ValueError, KeyError, AttributeError):
        return None, None, None


def half_year_narrative_context(report) -> dict:
    site_id, year, half = _narrative_params(report)
    site = Site.objects.select_related("jurisdiction", "liaison").get(pk=site_id)
    narrative = NarrativeUpdate.objects.select_related("author").get(
        site=site, year=year, half=half
    )
    first, last = half_year_bounds(year, half)
    delivered = Engagement.objects.filter(
        site=site, status=DELIVERED, start_date__range=(first, last)
    )
    by_type_rows = {
        row["type"]: row
        for row in delivered.values("type").annotate(
            count=Count("pk"), hours=Sum("hours"), participants=Sum("participants")
        )
    }
    by_type = [
        {
            "label": label,
            "count": by_type_rows[value]["count"],
            "hours": by_type_rows[value]["hours"] or 0,
            "participants": by_type_rows[value]["participants"] or 0,
        }
        for value, label in Engagement.Type.choices
        if value in by_type_rows
    ]
    return {
        "site": site,
        "year": year,
        "half": half,
        "half_label": NarrativeUpdate.Half(half).label,
        "first": first,
        "last": last,
        "narrative": narrative,
        "paragraphs": [p.strip() for p in narrative.narrative.split("\n\n") if p.strip()],
        "log_figures": half_year_figures(site=site, year=year, half=half),
        "participants": sum(row["participants"] for row in by_type),
        "by_type": by_type,
        "delivered": list(delivered.order_by("start_date", "pk")),
    }


def half_year_narrative_can_view(user, report) -> bool:
    # INTERNAL: staff and liaisons who read the site (a liaison without
    # sites.view_any_site reads only the sites assigned to them).
    site_id, _year, _half = _narrative_params(report)
    if site_id is None or not user.is_authenticated or not can_see_internal(user):
        return False
    return sites_visible_to(user).filter(pk=site_id).exists()


def half_year_narrative_filename(report) -> str:
    site_id, year, half = _narrative_params(report)
    return f"site-{site_id}-narrative-{year}-h{half}.pdf"


class HalfYearNarrativeForm(forms.Form):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        error_messages={"invalid_choice": "Choose one of the sites listed."},
    )
    year = forms.IntegerField(label="Year", min_value=FIRST_COHORT_YEAR)
    half = forms.TypedChoiceField(
        label="Half-year", choices=NarrativeUpdate.Half.choices, coerce=int
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sites whose internal narrative the user may read.
        visible = sites_visible_to(user) if can_see_internal(user) else Site.objects.none()
        self.fields["site"].queryset = visible.select_related("jurisdiction")
        today = timezone.localdate()
        self.fields["year"].max_value = today.year
        self.fields["year"].initial = today.year

    def clean(self):
        cleaned = super().clean()
        site, year, half = cleaned.get("site"), cleaned.get("year"), cleaned.get("half")
        if site and year and half:
            first, _last = half_year_bounds(year, half)
            if first > timezone.localdate():
                self.add_error("half", "That half-year has not begun.")
            elif not NarrativeUpdate.objects.filter(site=site, year=year, half=half).exists():
                self.add_error(
                    "half",
                    "No narrative update has been written for this site and half-year yet.",
                )
        return cleaned

    def to_params(self) -> dict:
        return {
            "site_id": self.cleaned_data["site"].pk,
            "year": self.cleaned_data["year"],
            "half": self.cleaned_data["half"],
        }


HALF_YEAR_NARRATIVE = register(
    ReportKind(
        slug="half_year_narrative",
        title="Half-year narrative update",
        template_name="pdf/half_year_narrative.html",
        build_context=half_year_narrative_context,
        can_view=half_year_narrative_can_view,
        params_form=HalfYearNarrativeForm,
        filename=half_year_narrative_filename,
        can_request=can_see_internal,
    )
)
