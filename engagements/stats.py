"""Counts of engagements for the site page, the workspace, the program view and the
engagement reports (read-only selectors)."""

import datetime
from collections import Counter

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.geography import STATE_CHOICES
from accounts.models import User
from charts.svg import Chart, horizontal_bar_chart, vertical_bar_chart
from program.focus_areas import FocusArea
from sites.models import Site

from .models import Engagement, FollowUpAction
from .year_totals import delivered_in_year

DELIVERED = Engagement.Status.DELIVERED


def _month_starts(last: datetime.date, months: int) -> list[datetime.date]:
    year, month = last.year, last.month
    starts = []
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def areas_counted(json_lists: list[str], values) -> Counter:
    """How many of the JSON lists of plain words (as stored) hold each of `values`, each
    list counted once per value: found by the quoted value, so "violence" is not found
    in ["gun_violence"]."""
    counts = Counter()
    for value in values:
        quoted = f'"{value}"'
        counts[value] = sum(quoted in listed for listed in json_lists)
    return counts


def site_figures(site, *, engagements=None, months: int = 12, today=None) -> dict:
    """Chart data and the visible engagement count of one site, in ONE query.

    `engagements` is the queryset the reader may see (default: all of the site's);
    the charts count only delivered engagements, so they are the same for every reader.
    Returns {"total": n, "by_month": [(label, n)], "by_focus_area": [(label, n)]}.
    """
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    first, end = starts[0], today + datetime.timedelta(days=1)
    rows = Engagement.objects.filter(site=site) if engagements is None else engagements
    total, by_month = 0, [0] * months
    # Three columns of each engagement, counted here: one aggregate with a filtered
    # COUNT per month and per focus area (each matched in the JSON list's text) took
    # 4 ms of CPU to build and 6 ms to run for a site of 1,000 engagements, against
    # 3 ms in all for this (1 ms for a typical site of 160; issue 20).
    # The focus areas are read as the JSON text stored and each area found by its quoted
    # value: decoding the lists took 1.1 of the 1.9 ms the rows cost at 1,000 engagements.
    # A list holds FocusArea values only (forms and the importer check them), plain words
    # that JSON writes between quotes; each is counted once per engagement.
    text = Cast("focus_areas", TextField())
    delivered_areas = []
    for status, start, areas in (
        rows.order_by().annotate(areas=text).values_list("status", "start_date", "areas")
    ):
        total += 1
        if status != DELIVERED:
            continue
        delivered_areas.append(areas)
        if first <= start < end:
            by_month[(start.year - first.year) * 12 + start.month - first.month] += 1
    by_area = areas_counted(delivered_areas, FocusArea.values)
    return {
        "total": total,
        "by_month": [(f"{start:%b %y}", by_month[i]) for i, start in enumerate(starts)],
        "by_focus_area": [(FocusArea(value).label, by_area[value]) for value in FocusArea.values],
    }


def delivered_by_month(site, *, months: int = 12, today=None) -> list[tuple[str, int]]:
    """Delivered engagements per month (by start date) over the last `months` months."""
    return site_figures(site, months=months, today=today)["by_month"]


def delivered_by_focus_area(site) -> list[tuple[str, int]]:
    """Delivered engagements per focus area (an engagement may count in several)."""
    return site_figures(site)["by_focus_area"]


def site_charts(site, *, today=None, figures=None) -> list[Chart]:
    figures = figures or site_figures(site, today=today)
    return [
        vertical_bar_chart(
            figures["by_month"],
            title="Engagements delivered by month",
            description=f"Delivered engagements per month over the last 12 months, {site}.",
            chart_id=f"site-{site.pk}-by-month",
        ),
        horizontal_bar_chart(
            figures["by_focus_area"],
            title="Engagements delivered by focus area",
            description=f"Delivered engagements per focus area since the site began, {site}.",
            chart_id=f"site-{site.pk}-by-focus-area",
        ),
    ]


def totals_by_type(engagements) -> list[dict]:
    """Count, hours and participants of `engagements` per type, in ONE grouped query.

    The caller chooses the rows (e.g. one site's delivered engagements in a period).
    Rows follow Engagement.Type's order; a type with no engagement is left out.
    """
    rows = {
        row["type"]: row
        for row in engagements.order_by()
        .values("type")
        .annotate(count=Count("pk"), hours=Sum("hours"), participants=Sum("participants"))
    }
    return [
        {
            "label": label,
            "count": rows[value]["count"],
            "hours": rows[value]["hours"] or 0,
            "participants": rows[value]["participants"] or 0,
        }
        for value, label in Engagement.Type.choices
        if value in rows
    ]


def with_year_figures(sites, *, year: int):
    """Annotate sites with their last delivered engagement and this year's count and hours.

    Correlated subqueries (index engagements(site, status, start_date)) rather than a join
    and GROUP BY: with a LIMIT, the database computes them only for the rows of the page.
    """
    delivered = Engagement.objects.filter(site=OuterRef("pk"), status=DELIVERED)
    this_year = delivered.filter(start_date__year=year).values("site")
    return sites.annotate(
        last_engagement_on=Subquery(delivered.order_by("-end_date").values("end_date")[:1]),
        engagements_this_year=Coalesce(Subquery(this_year.annotate(n=Count("*")).values("n")), 0),
        hours_this_year=Subquery(this_year.annotate(total=Sum("hours")).values("total")),
    )


def program_figures(*, year: int) -> dict:
    """The program view's totals and per-state grid: an aggregate query and the year's
    delivered engagements (`delivered_in_year`: its change token when counted before)."""
    rows = (
        Site.objects.in_program()
        .values("jurisdiction__state")
        .annotate(sites=Count("pk"), active=Count("pk", filter=~Q(phase=Site.Phase.GRADUATED)))
        .order_by()
    )
    by_state = {row["jurisdiction__state"]: row for row in rows}
    delivered, hours = delivered_in_year(year)
    names = dict(STATE_CHOICES)
    return {
        "grid": [
            (code, names[code], by_state[code]["sites"], by_state[code]["active"])
            for code, _name in STATE_CHOICES
            if code in by_state
        ],
        "empty_states": [code for code, _name in STATE_CHOICES if code not in by_state],
        "totals": {
            "sites": sum(row["sites"] for row in by_state.values()),
            "active": sum(row["active"] for row in by_state.values()),
            "engagements": delivered,
            "hours": hours,
        },
    }


WORKSPACE_LIST_SIZE = 25
# The workspace counts a list of up to this many rows from the rows it reads; a longer
# one (a liaison with a thousand sites) is counted by the database.
WORKSPACE_COUNTED_FROM_ROWS = 1000


class _SubqueryCount(Subquery):
    """COUNT(*) of a queryset as a scalar subquery, so several counts share one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def overdue_follow_ups(user, *, today):
    """Open follow-up actions due before `today` on the sites the user is liaison of (not
    of a cancelled engagement), oldest first.

    Read site by site from followup_open_site_idx, index only: walking every open
    follow-up of the program by due date and dropping other liaisons' took 5 ms at scale
    10 and grows with the number of liaisons; looking up each of the liaison's thousands
    of engagements took 8 (issue 20).
    """
    cancelled = Engagement.objects.filter(site__liaison=user, status=Engagement.Status.CANCELLED)
    return (
        FollowUpAction.objects.filter(site__liaison=user, done=False, due_date__lt=today)
        .exclude(engagement__in=cancelled.values("pk"))
        .order_by("due_date", "pk")
    )


def workspace_for(user, *, today=None, limit: int = WORKSPACE_LIST_SIZE) -> dict:
    """The liaison's week: their sites, what is coming, what is late, who is quiet.

    Each list holds at most `limit` rows; `counts` gives the exact totals, so the page
    says "and N more" and links to the full filtered list. Most totals are the length
    of what is read for the page; the others are counted together in one query.
    """
    today = today or timezone.localdate()
    # Only the columns the page shows: the rows are built in Python on every visit.
    my_sites = with_year_figures(
        Site.objects.in_program()
        .filter(liaison=user)
        .select_related("jurisdiction")
        .only("cohort_year", "phase", "jurisdiction__name", "jurisdiction__state"),
        year=today.year,
    ).order_by("jurisdiction__name", "pk")
    upcoming = (
        Engagement.objects.filter(
            site__liaison=user,
            status=Engagement.Status.PLANNED,
            start_date__gte=today,
            start_date__lte=today + datetime.timedelta(days=30),
        )
        .only("title", "start_date")
        .annotate(jurisdiction_name=F("site__jurisdiction__name"))
        .order_by("start_date", "pk")
    )
    overdue = overdue_follow_ups(user, today=today)
    quiet_since = today - datetime.timedelta(days=60)

    # Up to `most` rows of each list (ids of the overdue follow-ups) are read, so their
    # number is the total; one row more tells a list that is counted by the database.
    most = WORKSPACE_COUNTED_FROM_ROWS
    sites = list(my_sites[: most + 1])
    coming = list(upcoming[: most + 1])
    overdue_ids = list(overdue.values_list("pk", flat=True)[: most + 1])
    late = list(
        FollowUpAction.objects.filter(pk__in=overdue_ids[:limit])
        .only("engagement_id", "description", "owner", "due_date")
        .annotate(
            engagement_title=F("engagement__title"),
            jurisdiction_name=F("engagement__site__jurisdiction__name"),
        )
        .order_by("due_date", "pk")
        if overdue_ids
        else []
    )
    quiet = my_sites.exclude(phase=Site.Phase.GRADUATED).filter(
        Q(last_engagement_on__isnull=True) | Q(last_engagement_on__lt=quiet_since)
    )
    if len(sites) <= most:
        # Every site of the liaison is at hand: pick the quiet ones by the same rule
        # rather than ask the database again.
        calm = [
            site
            for site in sites
            if site.phase != Site.Phase.GRADUATED
            and (site.last_engagement_on is None or site.last_engagement_on < quiet_since)
        ]
    else:
        calm = list(quiet[: most + 1])

    lists = {"my_sites": my_sites, "upcoming": upcoming, "overdue": overdue, "quiet": quiet}
    read = {"my_sites": sites, "upcoming": coming, "overdue": overdue_ids, "quiet": calm}
    counts = {name: len(found) for name, found in read.items()}
    cut = [name for name in lists if counts[name] > most]
    if cut:
        counts.update(
            User.objects.filter(pk=user.pk)
            .annotate(**{name: _SubqueryCount(lists[name].order_by().values("pk")) for name in cut})
            .values(*cut)
            .get()
        )
    result = {
        "my_sites": sites[:limit],
        "upcoming": coming[:limit],
        "overdue": late,
        "quiet": calm[:limit],
    }
    result["more"] = {name: counts[name] - len(result[name]) for name in read}
    result["counts"] = counts
    result["today"] = today
    result["upcoming_until"] = today + datetime.timedelta(days=30)
    return result
