from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import upload_refusals_record
from exports.csv import csv_download
from sites.access import can_see_internal, sites_visible_to
from sites.models import Site

from .access import (
    can_enter,
    can_manage_outcomes,
    can_request_outcome_report,
    can_review,
    can_use_outcomes_page,
    get_outcome_for,
    get_outcome_site_for,
)
from .charts import rate_chart, small_rate_chart
from .forms import DueDateForm, FiguresForm, ImportForm, OutcomeFilter, ReturnForm
from .imports import COLUMN_HELP, COLUMNS, outcome_import_create, template_csv
from .models import OutcomeDueDate, OutcomeImport, OutcomeYear
from .page_rows import site_rows
from .selectors import national_rates, program_outcomes, psp_years, site_series
from .services import (
    OutcomeError,
    outcome_due_date_set,
    outcome_enter,
    outcome_return,
    outcome_submit,
    outcome_verify,
)

SMALL_MULTIPLES_PER_PAGE = 48  # 16 rows of three; the summary covers every site


def site_outcome_context(user, site: Site) -> dict:
    """The site's years, series and chart (three queries: rows, national rates; the site is given)."""
    rows = list(
        OutcomeYear.objects.filter(site=site)
        .select_related("entered_by", "reviewed_by")
        .order_by("year")
    )
    national = national_rates()
    series = site_series(site, rows, national)
    name = f"{site.jurisdiction.name}, {site.jurisdiction.state}"
    by_year = {row.year: row for row in rows}
    this_year = timezone.localdate().year
    entering = can_enter(user, site)
    lines = []
    for result in series.years:
        row = by_year.get(result.year)
        lines.append(
            {
                "result": result,
                "row": row,
                "can_edit": entering
                and result.year < this_year
                and (row is None or row.is_editable),
                "can_submit": entering and row is not None and row.is_editable and row.has_figures,
            }
        )
    return {
        "site": site,
        "series": series,
        "lines": lines,
        "chart": rate_chart(
            name, series, chart_id=f"outcomes-{site.pk}", psp_years=psp_years(site)
        ),
        "can_enter": entering,
        "can_review": can_review(user, site),
        "show_flags": can_see_internal(user),
    }


# Anyone who may read the site (sites.access); others 404.
@login_required
def site_outcomes(request, site_pk):
    site = get_outcome_site_for(request.user, site_pk)
    return render(request, "outcomes/site_outcomes.html", site_outcome_context(request.user, site))


# The site's own users and outcome managers (program admins); others who may read the site 403, the rest 404.
@login_required
@require_http_methods(["GET", "POST"])
def outcome_enter_view(request, site_pk, year):
    site = get_outcome_site_for(request.user, site_pk)
    if not can_enter(request.user, site):
        raise PermissionDenied
    if not 2000 <= year < timezone.localdate().year:
        raise Http404("Not a year that can be reported.")
    row = OutcomeYear.objects.filter(site=site, year=year).first()
    if row is not None and not row.is_editable:
        messages.error(
            request,
            f"The {year} figures are {row.get_status_display().lower()} and cannot be changed now.",
        )
        return redirect("outcomes:site", site_pk=site.pk)
    form = FiguresForm(request.POST or None, instance=row or OutcomeYear(site=site, year=year))
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            outcome_enter(
                site=site, year=year, actor=request.user, submit=submit, **form.cleaned_data
            )
        except OutcomeError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.errors:
                form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{year} figures submitted to the liaison."
                if submit
                else f"{year} figures saved; submit them when ready.",
            )
            return redirect("outcomes:site", site_pk=site.pk)
    return render(
        request,
        "outcomes/outcome_form.html",
        {"form": form, "site": site, "year": year, "row": row},
    )


def _move_outcome(request, pk, *, may, service, done: str):
    """One status step of a year's figures: who `may` take it, the `service` that takes it."""
    row = get_outcome_for(request.user, pk)
    if not may(request.user, row.site):
        raise PermissionDenied
    try:
        service(outcome=row, actor=request.user)
    except OutcomeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{row.year} figures {done}.")
    return redirect("outcomes:site", site_pk=row.site_id)


# The site's own users and outcome managers; the row must be readable (else 404).
@login_required
@require_POST
def outcome_submit_view(request, pk):
    return _move_outcome(
        request, pk, may=can_enter, service=outcome_submit, done="submitted to the liaison"
    )


# The site's current liaison only; others who may read the site 403, the rest 404.
@login_required
@require_POST
def outcome_verify_view(request, pk):
    return _move_outcome(request, pk, may=can_review, service=outcome_verify, done="verified")


# The site's current liaison only; others who may read the site 403, the rest 404.
@login_required
@require_http_methods(["GET", "POST"])
def outcome_return_view(request, pk):
    row = get_outcome_for(request.user, pk)
    if not can_review(request.user, row.site):
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome_return(outcome=row, reason=form.cleaned_data["reason"], actor=request.user)
        except OutcomeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{row.year} figures returned to the site.")
            return redirect("outcomes:site", site_pk=row.site_id)
    return render(
        request, "outcomes/outcome_return.html", {"form": form, "row": row, "site": row.site}
    )


def _filtered(request):
    outcome_filter = OutcomeFilter(
        request.GET or None,
        queryset=sites_visible_to(request.user).order_by("jurisdiction__name", "cohort_year", "pk"),
    )
    year_from, year_to = outcome_filter.years()
    return outcome_filter, outcome_filter.qs, year_from, year_to


# DOJ staff who read every site (sites.access.can_use_program_view); others 403.
@login_required
def program_outcomes_view(request):
    if not can_use_outcomes_page(request.user):
        raise PermissionDenied
    outcome_filter, sites, year_from, year_to = _filtered(request)
    data = program_outcomes(sites, year_from=year_from, year_to=year_to)
    page = Paginator(data.sites, SMALL_MULTIPLES_PER_PAGE).get_page(request.GET.get("page"))
    charts = [
        (
            item,
            small_rate_chart(
                item.name,
                item.series,
                chart_id=f"site-{item.site.pk}",
                psp_years=tuple(item.psp_years),
            ),
        )
        for item in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outcomes/program_outcomes.html",
        {
            "filter": outcome_filter,
            "data": data,
            "summary": data.summary,
            "page": page,
            "charts": charts,
            "site_rows": site_rows(charts),
            "query": query.urlencode(),
            "can_manage": can_manage_outcomes(request.user),
            "can_request_report": can_request_outcome_report(request.user),
            "cohort": request.GET.get("cohort_year", ""),
        },
    )


EXPORT_HEADER = [
    "site_id", "site", "state", "cohort_year", "phase", "year", "period", "status", "murder",
    "rape", "robbery", "aggravated_assault", "offenses", "population", "source", "rate_per_100k",
    "baseline_rate", "change_vs_baseline_pct", "national_rate", "national_change_pct",
    "relative_to_national_pp", "population_moved_over_10pct", "note",
]  # fmt: skip


def _export_rows(data):
    for item in data.sites:
        site, by_year = item.site, {row.year: row for row in item.rows}
        for result in item.series.years:
            row = by_year.get(result.year)
            yield [
                site.pk, site.jurisdiction.name, site.jurisdiction.state, site.cohort_year,
                site.phase, result.year, result.period, result.status or "missing",
                *(getattr(row, name) if row else None for name in ("murder", "rape", "robbery", "aggravated_assault")),
                row.offenses if row else None, result.population, row.source if row else "",
                result.rate, item.series.baseline_rate, result.change, result.national_rate,
                result.national_change, result.relative, "yes" if result.population_flag else "",
                row.note if row else "",
            ]  # fmt: skip


# Same as the Outcomes page: DOJ staff who read every site.
@login_required
def outcomes_export(request):
    if not can_use_outcomes_page(request.user):
        raise PermissionDenied
    _f, sites, year_from, year_to = _filtered(request)
    data = program_outcomes(sites, year_from=year_from, year_to=year_to, full_rows=True)
    # Missing figures are empty cells, never 0 (csv_cell writes None as "").
    return csv_download("outcomes", EXPORT_HEADER, _export_rows(data))


# Outcome managers (program admins) only.
@login_required
@require_http_methods(["GET", "POST"])
def due_dates(request):
    if not can_manage_outcomes(request.user):
        raise PermissionDenied
    form = DueDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        due = outcome_due_date_set(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{due.year} figures are due on {due.due_on:%B %-d, %Y}.")
        return redirect("outcomes:due_dates")
    return render(
        request,
        "outcomes/due_dates.html",
        {"form": form, "due_dates": list(OutcomeDueDate.objects.select_related("set_by"))},
    )


# Outcome managers (program admins) only.
@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    if not can_manage_outcomes(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = outcome_import_create(file=form.cleaned_data["file"], actor=request.user)
        return redirect("outcomes:import_detail", pk=job.pk)
    if request.method == "POST":
        upload_refusals_record(request=request, form=form, what="Outcome figures import")
    return render(
        request,
        "outcomes/import.html",
        {"form": form, "columns": [(c, COLUMN_HELP.get(c, "")) for c in COLUMNS]},
    )


# The manager who uploaded the file; others 404.
@login_required
def import_detail(request, pk):
    if not can_manage_outcomes(request.user):
        raise PermissionDenied
    job = get_object_or_404(OutcomeImport, pk=pk, created_by=request.user)
    return render(request, "outcomes/import_detail.html", {"job": job})


# Outcome managers only.
@login_required
def import_template(request):
    if not can_manage_outcomes(request.user):
        raise PermissionDenied
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outcomes-import-template.csv"'
    return response
