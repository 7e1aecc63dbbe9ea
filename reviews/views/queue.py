"""The review queue (filtered, sorted, paged or exported as CSV) and bulk assignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from applications.models import Application
from exports.csv import csv_download
from psp_portal.pagination import CappedPaginator

from .. import access
from ..filters import QueueFilter
from ..forms import BulkAssignForm
from ..page_rows import queue_rows
from ..screening import RESULT_LABELS
from ..selectors import list_rows, queue_page, sort_rows, with_list_data
from ..services import ReviewError, reviewers_assign_bulk
from .common import require

PAGE_SIZE = 25
SORT_COLUMNS = [
    ("reference", "Reference"),
    ("jurisdiction", "Jurisdiction"),
    ("state", "State"),
    ("population", "Population"),
    ("rate", "Latest rate"),
    ("ratio", "Ratio"),
    ("screening", "Screening"),
    ("reviews", "Reviews"),
    ("score", "Average score"),
    ("status", "Status"),
]
# The "Sort by" choices: the filter form carries the sort, so the table's headers are not
# ten Tab stops between the skip link and the first SOI (issue 16).
SORT_CHOICES = [
    ("-submitted", "Newest submitted first"),
    ("submitted", "Oldest submitted first"),
] + [
    choice
    for key, label in SORT_COLUMNS
    for choice in ((key, f"{label}, ascending"), (f"-{key}", f"{label}, descending"))
]
EXPORT_COLUMNS = [
    "reference_number", "jurisdiction", "state", "cycle", "population", "latest_year",
    "latest_rate", "ratio_to_national", "screening", "reviews_submitted", "reviewers_assigned",
    "average_score", "status", "submitted_at",
]  # fmt: skip


# Overdue reviews listed above the queue for officials and program admins.
OVERDUE_SHOWN = 10


# Reviewers (their assigned, unconflicted SOIs), selecting officials and program admins (all).
@login_required
def queue(request):
    require(access.can_use_review_pages(request.user))
    base = access.queue_applications_for(request.user).select_related("cycle", "jurisdiction")
    queue_filter = QueueFilter(request.GET or None, queryset=base, request=request)
    requested_sort = request.GET.get("sort", "-submitted")
    computed_filter = queue_filter.is_valid() and any(
        queue_filter.form.cleaned_data.get(name) for name in ("screening", "status")
    )
    paged = None
    if request.GET.get("format") != "csv" and not computed_filter:
        # Sorted and paginated in SQL: rows are built for this page only.
        paged = queue_page(
            queue_filter.qs,
            request.user,
            requested_sort,
            request.GET.get("page"),
            PAGE_SIZE,
            small=not access.can_see_all(request.user),
        )
    if paged is not None:
        page, sort = paged
    else:
        applications = with_list_data(queue_filter.qs)
        rows = queue_filter.python_filters(list_rows(applications, request.user))
        rows, sort = sort_rows(rows, requested_sort)
        if request.GET.get("format") == "csv":
            return _export_csv(rows)
        page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    overdue = []
    if access.can_see_all(request.user):
        from notifications.schedules import overdue_reviews

        # One row past the limit tells the page there are more.
        overdue = overdue_reviews(limit=OVERDUE_SHOWN + 1)
    return render(
        request,
        "reviews/queue.html",
        {
            "overdue": overdue[:OVERDUE_SHOWN],
            "overdue_more": len(overdue) > OVERDUE_SHOWN,
            "filter": queue_filter,
            "page": page,
            "queue_rows": queue_rows(page.object_list),
            "query": query.urlencode(),
            "sort": sort,
            "sort_columns": SORT_COLUMNS,
            "sort_choices": SORT_CHOICES,
            "sort_label": dict(SORT_CHOICES).get(sort, sort),
            # The folded filters stay open while one is applied, so what narrows the
            # list is visible.
            "filters_applied": any(request.GET.get(name) for name in queue_filter.form.fields),
            "result_labels": RESULT_LABELS,
            "can_assign": access.can_assign(request.user),
            "can_see_all": access.can_see_all(request.user),
        },
    )


def _export_csv(rows) -> HttpResponse:
    return csv_download("review-queue", EXPORT_COLUMNS, _csv_rows(rows))


def _csv_rows(rows):
    for row in rows:
        app, latest = row.application, row.latest_rate or {}
        yield [
            app.reference_number, app.jurisdiction.name, app.jurisdiction.state, app.cycle.name,
            app.population, latest.get("year"), latest.get("rate"), latest.get("ratio"),
            row.screening.result_label, row.review_count, len(row.assignments),
            row.average_score, row.status_label,
            app.submitted_at.isoformat() if app.submitted_at else "",
        ]  # fmt: skip


# Selecting officials and program admins.
@login_required
def assign_bulk(request):
    require(access.can_assign(request.user))
    scope = access.queue_applications_for(request.user).filter(status=Application.Status.SUBMITTED)
    form = BulkAssignForm(request.POST or None, applications=scope)
    if request.method == "POST" and form.is_valid():
        try:
            created, skipped = reviewers_assign_bulk(
                applications=form.cleaned_data["applications"],
                reviewers=form.cleaned_data["reviewers"],
                actor=request.user,
                due_date=form.cleaned_data["due_date"],
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{created} assignment{'s' if created != 1 else ''} made.")
            for reason in skipped:
                messages.warning(request, f"Skipped: {reason}")
            return redirect("reviews:queue")
    return render(
        request,
        "reviews/simple_form.html",
        {
            "form": form,
            "title": "Assign reviewers in bulk",
            "intro": "Every reviewer chosen is assigned to every Statement of Interest chosen. "
            "Pairs already assigned or with a declared conflict are skipped.",
        },
    )
