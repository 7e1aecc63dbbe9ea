from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from exports.csv import csv_download

from .access import (
    can_edit_plan,
    can_manage_sites,
    can_see_internal,
    get_site_for,
    sites_visible_to,
)
from .filters import SiteFilter
from .forms import GoalFormSet, LiaisonAssignForm, PhaseChangeForm, SiteForm, TeamFormSet
from .history import site_history
from .list_rows import SITE_LIST_FIELDS, site_list_rows
from .models import Site, SiteFocusArea
from .services import (
    SiteError,
    goal_remove,
    goal_save,
    site_assign_liaison,
    site_change_phase,
    site_create,
    site_update,
    team_member_remove,
    team_member_save,
)

PAGE_SIZE = 25
EXPORT_COLUMNS = [
    "id", "jurisdiction", "state", "cohort_year", "usao_district", "engagement_level", "phase",
    "phase_started_on", "start_date", "expected_end_date", "liaison", "focus_areas",
]  # fmt: skip


def _site_list_queryset(user):
    return (
        sites_visible_to(user)
        .select_related("jurisdiction", "liaison")
        .prefetch_related(
            Prefetch("focus_area_rows", queryset=SiteFocusArea.objects.order_by("focus_area"))
        )
        .order_by("-cohort_year", "jurisdiction__name", "pk")
    )


# Anyone signed in; each sees only the sites in their scope (sites.access.sites_visible_to).
@login_required
def site_list(request):
    sites = _site_list_queryset(request.user)
    if request.GET.get("phase") != Site.Phase.WITHDRAWN:
        # Withdrawn sites left the program: listed only when asked for by phase.
        sites = sites.in_program()
    site_filter = SiteFilter(request.GET or None, queryset=sites)
    sites = site_filter.qs
    if request.GET.get("format") == "csv":
        return _export_csv(sites)
    page = Paginator(sites.only(*SITE_LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sites/site_list.html",
        {
            "filter": site_filter,
            "page": page,
            "rows": site_list_rows(page.object_list),
            "query": query.urlencode(),
            "can_manage": can_manage_sites(request.user),
        },
    )


def _export_csv(sites) -> HttpResponse:
    # The filtered list, without INTERNAL fields, so any reader may export what they see.
    return csv_download("sites", EXPORT_COLUMNS, _csv_rows(sites))


def _csv_rows(sites):
    for site in sites:
        yield [
            site.pk, site.jurisdiction.name, site.jurisdiction.state, site.cohort_year,
            site.usao_district, site.engagement_level, site.phase, site.phase_started_on,
            site.start_date, site.expected_end_date,
            site.liaison.get_full_name() if site.liaison else "",
            ";".join(area.focus_area for area in site.focus_area_rows.all()),
        ]  # fmt: skip


# Program admins only (sites.manage_sites).
@login_required
@require_http_methods(["GET", "POST"])
def site_create_view(request):
    if not can_manage_sites(request.user):
        raise PermissionDenied
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = site_create(
                actor=request.user,
                jurisdiction=data["jurisdiction"],
                cohort_year=data["cohort_year"],
                usao_district=data["usao_district"],
                engagement_level=data["engagement_level"],
                start_date=data["start_date"],
                expected_end_date=data["expected_end_date"],
                liaison=data["liaison"],
                focus_areas=data["focus_areas"],
                summary=data["summary"],
                internal_notes=data["internal_notes"],
            )
        except (SiteError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"Site created: {site}.")
            return redirect("sites:detail", pk=site.pk)
    return render(request, "sites/site_form.html", {"form": form, "site": None})


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# Program admins only (sites.manage_sites).
@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request, pk):
    if not can_manage_sites(request.user):
        raise PermissionDenied
    site = get_site_for(request.user, pk)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            site_update(site=site, actor=request.user, **fields)
        except (SiteError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "Site saved.")
            return redirect("sites:detail", pk=site.pk)
    return render(request, "sites/site_form.html", {"form": form, "site": site})


# Program admins only (sites.manage_sites).
@login_required
@require_http_methods(["GET", "POST"])
def site_phase(request, pk):
    if not can_manage_sites(request.user):
        raise PermissionDenied
    site = get_site_for(request.user, pk)
    form = PhaseChangeForm(
        request.POST or None, site=site, initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            site_change_phase(site=site, actor=request.user, **form.cleaned_data)
        except SiteError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Phase changed.")
            return redirect("sites:detail", pk=site.pk)
    return render(request, "sites/site_phase.html", {"form": form, "site": site})


# Program admins only (sites.manage_sites).
@login_required
@require_http_methods(["GET", "POST"])
def site_liaison(request, pk):
    if not can_manage_sites(request.user):
        raise PermissionDenied
    site = get_site_for(request.user, pk)
    form = LiaisonAssignForm(
        request.POST or None,
        initial={"liaison": site.liaison_id, "started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            site_assign_liaison(site=site, actor=request.user, **form.cleaned_data)
        except SiteError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Liaison assigned.")
            return redirect("sites:detail", pk=site.pk)
    assignments = site.liaison_assignments.select_related("liaison")
    return render(
        request,
        "sites/site_liaison.html",
        {"form": form, "site": site, "assignments": assignments},
    )


def _save_formset(formset, site, actor, save, remove):
    with transaction.atomic():
        for form in formset.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if formset.can_delete and formset._should_delete_form(form):
                if form.instance.pk:
                    remove(form.instance, actor)
                continue
            if form.has_changed():
                fields = {
                    name: form.cleaned_data[name]
                    for name in form._meta.fields
                    if name != formset.fk.name
                }
                save(site, actor, form.instance if form.instance.pk else None, fields)


# Program admins, and the site's current liaison.
@login_required
@require_http_methods(["GET", "POST"])
def site_team(request, pk):
    site = get_site_for(request.user, pk)
    if not can_edit_plan(request.user, site):
        raise PermissionDenied
    formset = TeamFormSet(request.POST or None, instance=site, prefix="team")
    if request.method == "POST" and formset.is_valid():
        _save_formset(
            formset,
            site,
            request.user,
            lambda s, a, m, f: team_member_save(site=s, actor=a, member=m, **f),
            lambda m, a: team_member_remove(member=m, actor=a),
        )
        messages.success(request, "Team roster saved.")
        return redirect("sites:detail", pk=site.pk)
    return render(
        request,
        "sites/site_formset.html",
        {"formset": formset, "site": site, "heading": "Team roster"},
    )


# Program admins, and the site's current liaison.
@login_required
@require_http_methods(["GET", "POST"])
def site_goals(request, pk):
    site = get_site_for(request.user, pk)
    if not can_edit_plan(request.user, site):
        raise PermissionDenied
    formset = GoalFormSet(request.POST or None, instance=site, prefix="goals")
    if request.method == "POST" and formset.is_valid():
        _save_formset(
            formset,
            site,
            request.user,
            lambda s, a, g, f: goal_save(site=s, actor=a, goal=g, **f),
            lambda g, a: goal_remove(goal=g, actor=a),
        )
        messages.success(request, "Strategic-plan goals saved.")
        return redirect("sites:detail", pk=site.pk)
    return render(
        request,
        "sites/site_formset.html",
        {"formset": formset, "site": site, "heading": "Strategic-plan goals"},
    )


# Staff and liaisons who may read the site (INTERNAL: applicants never see the audit trail).
@login_required
def site_history_view(request, pk):
    site = get_site_for(request.user, pk)
    if not can_see_internal(request.user):
        raise PermissionDenied
    return render(request, "sites/site_history.html", {"site": site, "history": site_history(site)})
