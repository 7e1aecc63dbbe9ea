"""Counts of engagements for charts, the workspace and the program view (read-only)."""

import datetime

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from program.charts import Chart, horizontal_bar_chart, vertical_bar_chart
from program.focus_areas import FocusArea

from .models import Engagement, FollowUpAction

DELIVERED = Engagement.Status.DELIVERED


def _month_starts(last: datetime.date, months: int) -> list[datetime.date]:
    year, month = last.year, last.month
    starts = []
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def delivered_by_month(site, *, months: int = 12, today=None) -> list[tuple[str, int]]:
    """Delivered engagements per month (by start date) over the last `months` months."""
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    counts = {start: 0 for start in starts}
    dates = Engagement.objects.filter(
        site=site, status=DELIVERED, start_date__gte=starts[0], start_date__lte=today
    ).values_list("start_date", flat=True)
    for day in dates:
        counts[day.replace(day=1)] += 1
    return [(f"{start:%b %y}", counts[start]) for start in starts]


def delivered_by_focus_area(site) -> list[tuple[str, int]]:
    """Delivered engagements per focus area (an engagement may count in several)."""
    counts = {value: 0 for value in FocusArea.values}
    for areas in Engagement.objects.filter(site=site, status=DELIVERED).values_list(
        "focus_areas", flat=True
    ):
        for value in areas or []:
            if value in counts:
                counts[value] += 1
    return [(FocusArea(value).label, count) for value, count in counts.items()]


def site_charts(site, *, today=None) -> list[Chart]:
    return [
        vertical_bar_chart(
            delivered_by_month(site, today=today),
            title="Engagements delivered by month",
            description=f"Delivered engagements per month over the last 12 months, {site}.",
            chart_id=f"site-{site.pk}-by-month",
        ),
        horizontal_bar_chart(
            delivered_by_focus_area(site),
            title="Engagements delivered by focus area",
            description=f"Delivered engagements per focus area since the site began, {site}.",
            chart_id=f"site-{site.pk}-by-focus-area",
        ),
    ]


def with_year_figures(sites, *, year: int):
    """Annotate sites with their last delivered engagement and this year's count and hours."""
    delivered = Q(engagements__status=DELIVERED)
    this_year = delivered & Q(engagements__start_date__year=year)
    return sites.annotate(
        last_engagement_on=Max("engagements__end_date", filter=delivered),
        engagements_this_year=Count("engagements", filter=this_year),
        hours_this_year=Sum("engagements__hours", filter=this_year),
    )


def workspace_for(user, *, today=None) -> dict:
    """The liaison's week: their sites, what is coming, what is late, who is quiet."""
    from sites.models import Site

    today = today or timezone.localdate()
    my_sites = list(
        with_year_figures(
            Site.objects.filter(liaison=user).select_related("jurisdiction"), year=today.year
        ).order_by("jurisdiction__name")
    )
    upcoming = (
        Engagement.objects.filter(
            site__liaison=user,
            status=Engagement.Status.PLANNED,
            start_date__gte=today,
            start_date__lte=today + datetime.timedelta(days=30),
        )
        .select_related("site__jurisdiction")
        .order_by("start_date", "pk")
    )
    overdue = (
        FollowUpAction.objects.filter(
            engagement__site__liaison=user, done=False, due_date__lt=today
        )
        .exclude(engagement__status=Engagement.Status.CANCELLED)
        .select_related("engagement__site__jurisdiction")
        .order_by("due_date", "pk")
    )
    quiet_since = today - datetime.timedelta(days=60)
    quiet = [
        site
        for site in my_sites
        if site.phase != Site.Phase.GRADUATED
        and (site.last_engagement_on is None or site.last_engagement_on < quiet_since)
    ]
    return {
        "my_sites": my_sites,
        "upcoming": list(upcoming),
        "overdue": list(overdue),
        "quiet": quiet,
        "today": today,
    }
