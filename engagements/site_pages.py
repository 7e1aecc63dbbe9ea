"""Pages under /sites/ that show engagement figures: the site page, the liaison's
workspace and the program view.

Engagements depends on sites, never the reverse, so these pages are composed here
from the sites app's access functions and selectors and this app's own. They keep
their URLs and names in the "sites" namespace (sites:detail, sites:workspace,
sites:program): psp_portal/urls.py mounts engagements.urls.site_page_urlpatterns
under /sites/ next to sites/urls.py.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from psp_portal.links import url_from_ids
from psp_portal.pagination import CappedPaginator
from sites.access import can_use_program_view, get_site_for
from sites.models import Site
from sites.selectors import site_panels

from .access import can_log_for
from .list_rows import (
    PROGRAM_SITE_FIELDS,
    TIMELINE_ENGAGEMENT_FIELDS,
    program_site_rows,
    timeline_rows,
)
from .models import Engagement, NarrativeUpdate
from .stats import program_figures, site_charts, site_figures, with_year_figures, workspace_for

SITE_PAGE_ENGAGEMENTS = 25  # the latest; the rest are one click away in the filtered list


# Anyone whose scope includes the site (404 otherwise); INTERNAL fields for staff only.
@login_required
def site_detail(request, pk):
    site = get_site_for(request.user, pk)
    context = site_panels(request.user, site)
    internal = context["internal"]
    # The site is in the reader's scope (checked above), so only the status rule of
    # engagements.access applies: applicants see delivered engagements only.
    visible = Engagement.objects.filter(site=site)
    if not internal:
        visible = visible.filter(status=Engagement.Status.DELIVERED)
    engagements = list(
        visible.only(*TIMELINE_ENGAGEMENT_FIELDS).order_by("-start_date", "-pk")[
            :SITE_PAGE_ENGAGEMENTS
        ]
    )
    # Chart data and the total from one query, however many engagements the site has.
    figures = site_figures(site, engagements=visible)
    context.update(
        timeline=timeline_rows(context["phases"], engagements, internal=internal),
        engagements=engagements,
        engagement_total=figures["total"],
        engagements_more=max(figures["total"] - len(engagements), 0),
        charts=site_charts(site, figures=figures),
        can_log=can_log_for(request.user, site),
    )
    if internal:
        context["narratives"] = list(
            NarrativeUpdate.objects.filter(site=site).select_related("author")
        )
        context["narrative_periods"] = _recent_halves()
    return render(request, "sites/site_detail.html", context)


def _recent_halves(count: int = 4) -> list[tuple[int, int]]:
    today = timezone.localdate()
    year, half = today.year, 1 if today.month <= 6 else 2
    periods = []
    for _ in range(count):
        periods.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return periods


# Liaisons (engagements.log_engagement): their own sites and work.
@login_required
def workspace(request):
    if not request.user.has_perm("engagements.log_engagement"):
        raise PermissionDenied
    context = workspace_for(request.user)
    site_url = url_from_ids("sites:detail")
    log_url = url_from_ids("engagements:create")
    engagement_url = url_from_ids("engagements:detail")
    done_url = url_from_ids("engagements:follow_up_done", ids=2)
    for site in context["my_sites"]:
        site.detail_url, site.log_url = site_url(site.pk), log_url(site.pk)
    for site in context["quiet"]:
        site.detail_url = site_url(site.pk)
    for engagement in context["upcoming"]:
        engagement.detail_url = engagement_url(engagement.pk)
    for action in context["overdue"]:
        action.engagement_url = engagement_url(action.engagement_id)
        action.done_url = done_url(action.engagement_id, action.pk)
    return render(request, "sites/workspace.html", context)


PROGRAM_PAGE_SIZE = 50


# DOJ staff who may read every site (accounts.open_staff_area + sites.view_any_site).
@login_required
def program_view(request):
    if not can_use_program_view(request.user):
        raise PermissionDenied
    year = timezone.localdate().year
    # One page of sites with their figures (subqueries run for the page's rows only);
    # totals and the per-state grid come from aggregate queries, not from every row.
    sites = with_year_figures(
        Site.objects.in_program()
        .select_related("jurisdiction", "liaison")
        .only(*PROGRAM_SITE_FIELDS),
        year=year,
    ).order_by("jurisdiction__state", "jurisdiction__name", "-cohort_year", "pk")
    figures = program_figures(year=year)
    # Ids first: SQLite would otherwise compute the figures of every site before sorting.
    # The sites in the program are counted by the state grid already.
    page = CappedPaginator(
        sites, PROGRAM_PAGE_SIZE, ids_first=True, count=figures["totals"]["sites"]
    ).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return render(
        request,
        "sites/program_view.html",
        {
            "page": page,
            "sites": page.object_list,
            "rows": program_site_rows(page.object_list),
            "query": "",
            "grid": figures["grid"],
            "empty_states": figures["empty_states"],
            "year": year,
            "totals": figures["totals"],
        },
    )
