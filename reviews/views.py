"""Review and selection pages. Each view says who may use it and checks it first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from applications.models import Application, Cycle
from program.csv_export import csv_download

from . import access
from .filters import QueueFilter
from .forms import (
    AssignForm,
    BulkAssignForm,
    ConflictForm,
    DecisionForm,
    MaxSitesForm,
    OverrideForm,
    ReasonForm,
    ReviewForm,
)
from .models import CRITERIA, Decision, Review
from .screening import RESULT_LABELS
from .selectors import (
    build_rows,
    detail_row,
    queue_page,
    slate_counts,
    slate_page,
    sort_rows,
    with_review_data,
    with_review_detail,
)
from .services import (
    ReviewError,
    conflict_declare,
    cycle_set_max_sites,
    decision_record,
    decision_reverse,
    decisions_release,
    review_due_default,
    review_reopen,
    review_save_draft,
    review_submit,
    reviewer_assign,
    reviewers_assign_bulk,
    screening_override,
)

PAGE_SIZE = 25
SLATE_PAGE_SIZE = 25
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
EXPORT_COLUMNS = [
    "reference_number", "jurisdiction", "state", "cycle", "population", "latest_year",
    "latest_rate", "ratio_to_national", "screening", "reviews_submitted", "reviewers_assigned",
    "average_score", "status", "submitted_at",
]  # fmt: skip


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- queue -----------------------------------------------------------------------------


# Overdue reviews listed above the queue for officials and program admins.
OVERDUE_SHOWN = 10


# Reviewers (their assigned, unconflicted SOIs), selecting officials and program admins (all).
@login_required
def queue(request):
    _require(access.can_use_review_pages(request.user))
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
            queue_filter.qs, request.user, requested_sort, request.GET.get("page"), PAGE_SIZE
        )
    if paged is not None:
        page, sort = paged
    else:
        applications = with_review_data(queue_filter.qs)
        rows = queue_filter.python_filters(build_rows(applications, request.user))
        rows, sort = sort_rows(rows, requested_sort)
        if request.GET.get("format") == "csv":
            return _export_csv(rows)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    overdue = []
    if access.can_see_all(request.user):
        from notifications.schedules import overdue_assignments

        # One query; one row past the limit tells the page there are more.
        overdue = list(overdue_assignments()[: OVERDUE_SHOWN + 1])
    return render(
        request,
        "reviews/queue.html",
        {
            "overdue": overdue[:OVERDUE_SHOWN],
            "overdue_more": len(overdue) > OVERDUE_SHOWN,
            "filter": queue_filter,
            "page": page,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": sort,
            "sort_columns": SORT_COLUMNS,
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


# --- one SOI -----------------------------------------------------------------------------


def _row_for(user, pk: int):
    """The SOI in the user's review scope (404 outside it), with everything screened, in
    one query plus a fixed set of prefetches."""
    application = get_object_or_404(with_review_detail(access.queue_applications_for(user)), pk=pk)
    return detail_row(application, user)


# Reviewers assigned to the SOI (after declaring no conflict), officials and program admins.
@login_required
def application_review(request, pk):
    _require(access.can_use_review_pages(request.user))
    user = request.user
    row = _row_for(user, pk)
    application = row.application
    # The access rules of access.needs_declaration / can_see_other_scores / can_score,
    # read from the rows already loaded (the user's assignment, its review, the decision).
    mine = row.my_assignment
    declaration = access.declaration_of(user, application) if mine is not None else None
    if mine is not None and declaration is None:
        return redirect("reviews:conflict", pk=application.pk)
    if mine is None:
        see_others = access.can_see_all(user)
    else:
        my_review = getattr(mine, "review", None)
        see_others = my_review is not None and my_review.status == Review.Status.SUBMITTED
    can_score = (
        access.is_reviewer(user)
        and application.status == Application.Status.SUBMITTED
        and mine is not None
        and declaration is not None
        and not declaration.has_conflict
        and row.decision is None
    )
    reviews = [
        a.review
        for a in row.assignments
        if hasattr(a, "review") and (see_others or a.reviewer_id == user.pk)
    ]
    return render(
        request,
        "reviews/application_review.html",
        {
            "row": row,
            "application": application,
            "screening": row.screening,
            "reviews": reviews,
            "see_others": see_others,
            "decisions": application.all_decisions,
            "my_review": row.my_review,
            "can_score": can_score,
            "can_assign": access.can_assign(user),
            "can_decide": access.can_decide(user) and row.decision is None,
            "can_override": access.can_override_screening(user),
            "can_reopen": access.can_reopen_review(user),
            "can_reverse": access.can_reverse_decision(user),
            "can_see_all": access.can_see_all(user),
        },
    )


# Reviewers assigned to the SOI, once, before they may open it.
@login_required
def conflict(request, pk):
    _require(access.is_reviewer(request.user))
    application = get_object_or_404(
        Application.objects.exclude(status=Application.Status.DRAFT).filter(
            review_assignments__reviewer=request.user
        ),
        pk=pk,
    )
    declared = access.declaration_of(request.user, application)
    if declared is not None:
        if declared.has_conflict:
            raise Http404("Conflicted reviewers cannot open this Statement of Interest.")
        return redirect("reviews:application", pk=application.pk)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = conflict_declare(
                application=application,
                reviewer=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                explanation=form.cleaned_data["explanation"],
                actor=request.user,
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            if declaration.has_conflict:
                messages.success(
                    request,
                    "Your conflict of interest is recorded. This Statement of Interest is "
                    "removed from your queue; the selecting official will reassign it.",
                )
                return redirect("reviews:queue")
            messages.success(request, "Declaration recorded.")
            return redirect("reviews:application", pk=application.pk)
    return render(request, "reviews/conflict_form.html", {"form": form, "application": application})


# The assigned reviewer, after declaring no conflict, until a decision is recorded.
@login_required
def score(request, pk):
    _require(access.is_reviewer(request.user))
    application = access.get_queue_application_for(request.user, pk)
    if access.needs_declaration(request.user, application):
        return redirect("reviews:conflict", pk=application.pk)
    _require(access.can_score(request.user, application))
    assignment = access.assignment_of(request.user, application)
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.is_submitted:
        messages.info(request, "Your review is submitted; a selecting official can reopen it.")
        return redirect("reviews:application", pk=application.pk)
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.fields}
        submitting = "submit_review" in request.POST
        service = review_submit if submitting else review_save_draft
        try:
            service(assignment=assignment, data=data, actor=request.user)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Review submitted." if submitting else "Draft saved.")
            if submitting:
                return redirect("reviews:application", pk=application.pk)
            return redirect("reviews:score", pk=application.pk)
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "application": application, "criteria": CRITERIA},
    )


# Selecting officials: send a submitted review back to its reviewer, with a reason.
@login_required
def reopen(request, pk):
    _require(access.can_reopen_review(request.user))
    review = access.get_review_for_reopen(request.user, pk)
    application = review.assignment.application
    form = ReasonForm(request.POST or None, submit_label="Reopen review")
    if request.method == "POST" and form.is_valid():
        try:
            review_reopen(review=review, reason=form.cleaned_data["reason"], actor=request.user)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Review by {review.assignment.reviewer} reopened.")
            return redirect("reviews:application", pk=application.pk)
    return render(
        request,
        "reviews/simple_form.html",
        {
            "form": form,
            "application": application,
            "title": f"Reopen the review by {review.assignment.reviewer}",
            "intro": "The reviewer can change and resubmit it. The reason is kept.",
        },
    )


# --- assignment ----------------------------------------------------------------------------


# Selecting officials and program admins.
@login_required
def assign(request, pk):
    _require(access.can_assign(request.user))
    application = access.get_queue_application_for(request.user, pk)
    form = AssignForm(
        request.POST or None, initial={"due_date": review_due_default(application.cycle)}
    )
    if request.method == "POST" and form.is_valid():
        done, errors = 0, []
        for reviewer in form.cleaned_data["reviewers"]:
            try:
                reviewer_assign(
                    application=application,
                    reviewer=reviewer,
                    actor=request.user,
                    due_date=form.cleaned_data["due_date"],
                )
                done += 1
            except ReviewError as exc:
                errors.append(str(exc))
        for error in errors:
            messages.warning(request, error)
        if done:
            messages.success(request, f"{done} reviewer{'s' if done != 1 else ''} assigned.")
        return redirect("reviews:application", pk=application.pk)
    assigned = application.review_assignments.select_related("reviewer", "assigned_by")
    return render(
        request,
        "reviews/assign_form.html",
        {"form": form, "application": application, "assigned": assigned},
    )


# Selecting officials and program admins.
@login_required
def assign_bulk(request):
    _require(access.can_assign(request.user))
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


# --- screening override, decisions, slate -------------------------------------------------


# Selecting officials (applications.override_screening).
@login_required
def override(request, pk):
    _require(access.can_override_screening(request.user))
    row = _row_for(request.user, pk)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screening_override(application=row.application, actor=request.user, **form.cleaned_data)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Screening override recorded.")
            return redirect("reviews:application", pk=row.application.pk)
    return render(
        request,
        "reviews/override_form.html",
        {"form": form, "application": row.application, "screening": row.screening},
    )


# Selecting officials (applications.decide_application).
@login_required
def decide(request, pk):
    _require(access.can_decide(request.user))
    row = _row_for(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision_record(application=row.application, actor=request.user, **form.cleaned_data)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Decision recorded. It is not shown to the applicant until released."
            )
            return redirect("reviews:slate", cycle_pk=row.application.cycle_id)
    cycle = row.application.cycle
    selected = Decision.objects.filter(
        application__cycle=cycle, reversed_at=None, outcome=Decision.Outcome.SELECTED
    ).count()
    return render(
        request,
        "reviews/decision_form.html",
        {
            "form": form,
            "row": row,
            "application": row.application,
            "selected_count": selected,
            "max_sites": cycle.max_sites,
            "at_limit": cycle.max_sites is not None and selected >= cycle.max_sites,
        },
    )


# Program admins (applications.reverse_decision).
@login_required
def reverse_decision(request, pk):
    _require(access.can_reverse_decision(request.user))
    decision = access.get_decision_for(request.user, pk)
    form = ReasonForm(request.POST or None, submit_label="Reverse decision")
    if request.method == "POST" and form.is_valid():
        try:
            decision_reverse(
                decision=decision, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Decision reversed. A new decision can now be recorded.")
            return redirect("reviews:application", pk=decision.application_id)
    return render(
        request,
        "reviews/simple_form.html",
        {
            "form": form,
            "application": decision.application,
            "title": f"Reverse the decision on {decision.application}",
            "intro": f"Recorded: {decision.get_outcome_display()}. A site created by a "
            "selection is not deleted; change it from the site's pages.",
        },
    )


# Selecting officials and program admins.
@login_required
def slate_index(request):
    _require(access.can_see_all(request.user))
    cycles = Cycle.objects.order_by("-opens_at")
    return render(request, "reviews/slate_index.html", {"cycles": cycles})


# Selecting officials and program admins; only selecting officials change the site count.
@login_required
def slate(request, cycle_pk):
    _require(access.can_see_all(request.user))
    cycle = get_object_or_404(Cycle.objects.select_related("national_rate"), pk=cycle_pk)
    form = MaxSitesForm(request.POST or None, initial={"max_sites": cycle.max_sites})
    if request.method == "POST":
        _require(access.can_decide(request.user))
        if form.is_valid():
            try:
                cycle_set_max_sites(
                    cycle=cycle, max_sites=form.cleaned_data["max_sites"], actor=request.user
                )
            except ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Number of sites saved.")
                return redirect("reviews:slate", cycle_pk=cycle.pk)
    # Counts come from one aggregate query; rows are ranked in SQL and built per page.
    counts = slate_counts(cycle, request.user)
    page = slate_page(
        cycle, request.user, request.GET.get("page"), SLATE_PAGE_SIZE, counts["total"]
    )
    return render(
        request,
        "reviews/slate.html",
        {
            "cycle": cycle,
            "page": page,
            "rows": page.object_list,
            "total": counts["total"],
            "form": form,
            "selected_count": counts["selected"],
            "unreleased_count": counts["unreleased"],
            "over_limit": cycle.max_sites is not None and counts["selected"] > cycle.max_sites,
            "can_decide": access.can_decide(request.user),
            "can_release": access.can_release(request.user),
        },
    )


# Selecting officials (reviews.release_decisions).
@login_required
@require_POST
def release(request, cycle_pk):
    _require(access.can_release(request.user))
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    try:
        released = decisions_release(cycle=cycle, actor=request.user)
    except ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{len(released)} decision{'s' if len(released) != 1 else ''} released. "
            "Letters are being prepared and applicants will be emailed a link.",
        )
    return redirect("reviews:slate", cycle_pk=cycle.pk)
