"""A cycle's selection slate: the ranked SOIs, the number of sites, releasing decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from applications.models import Cycle

from .. import access
from ..forms import MaxSitesForm
from ..page_rows import slate_rows
from ..selectors import slate_counts, slate_page
from ..services import ReviewError, cycle_set_max_sites, decisions_release
from .common import require

SLATE_PAGE_SIZE = 25


# Selecting officials and program admins.
@login_required
def slate_index(request):
    require(access.can_see_all(request.user))
    cycles = Cycle.objects.order_by("-opens_at")
    return render(request, "reviews/slate_index.html", {"cycles": cycles})


# Selecting officials and program admins; only program admins change the site count.
@login_required
def slate(request, cycle_pk):
    require(access.can_see_all(request.user))
    cycle = get_object_or_404(Cycle.objects.select_related("national_rate"), pk=cycle_pk)
    form = MaxSitesForm(request.POST or None, initial={"max_sites": cycle.max_sites})
    if request.method == "POST":
        require(access.can_change_cap(request.user))
        if form.is_valid():
            try:
                cycle_set_max_sites(
                    cycle=cycle,
                    max_sites=form.cleaned_data["max_sites"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
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
    can_decide = access.can_decide(request.user)
    return render(
        request,
        "reviews/slate.html",
        {
            "cycle": cycle,
            "page": page,
            "rows": page.object_list,
            "slate_rows": slate_rows(
                page.object_list, first_rank=page.start_index(), can_decide=can_decide
            ),
            "total": counts["total"],
            "form": form,
            "selected_count": counts["selected"],
            "unreleased_count": counts["unreleased"],
            "over_limit": cycle.max_sites is not None and counts["selected"] > cycle.max_sites,
            "can_decide": can_decide,
            "can_change_cap": access.can_change_cap(request.user),
            "cap_changes": cycle.cap_changes.select_related("changed_by")[:5],
            "can_release": access.can_release(request.user),
        },
    )


# Selecting officials (reviews.release_decisions).
@login_required
@require_POST
def release(request, cycle_pk):
    require(access.can_release(request.user))
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
