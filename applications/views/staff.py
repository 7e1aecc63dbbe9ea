"""DOJ staff pages: submitted SOIs (read-only) and cycle administration."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from ..access import applications_visible_to, can_manage_cycles, can_read_all
from ..filters import StaffApplicationFilter
from ..forms import CycleForm, NationalRateForm
from ..models import Cycle, NationalCrimeRate
from ..services import ApplicationError, cycle_save, national_rate_save

PAGE_SIZE = 25


# Staff with applications.review_application or applications.view_all_applications.
@login_required
def staff_list(request):
    if not can_read_all(request.user):
        raise PermissionDenied
    found = StaffApplicationFilter(
        request.GET or None,
        queryset=applications_visible_to(request.user)
        .select_related("cycle", "jurisdiction")
        .order_by("-submitted_at", "-pk"),
    )
    page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/application_list.html",
        {
            "applications": page.object_list,
            "page": page,
            "filter": found,
            "query": query.urlencode(),
        },
    )


# Program admins (applications.manage_cycles).
@login_required
def cycle_list(request):
    if not can_manage_cycles(request.user):
        raise PermissionDenied
    cycles = Cycle.objects.select_related("national_rate", "certification_text", "question_set")
    rates = NationalCrimeRate.objects.all()
    return render(request, "applications/cycle_list.html", {"cycles": cycles, "rates": rates})


# Program admins (applications.manage_cycles).
@login_required
def cycle_edit(request, pk=None):
    if not can_manage_cycles(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(Cycle, pk=pk) if pk else None
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            saved = cycle_save(cycle=form.save(commit=False), actor=request.user)
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Cycle {saved.name} saved.")
            return redirect("applications:cycle_list")
    return render(request, "applications/cycle_form.html", {"form": form, "cycle": cycle})


# Program admins (applications.manage_cycles).
@login_required
def rate_edit(request, pk=None):
    if not can_manage_cycles(request.user):
        raise PermissionDenied
    rate = get_object_or_404(NationalCrimeRate, pk=pk) if pk else None
    form = NationalRateForm(request.POST or None, instance=rate)
    if request.method == "POST" and form.is_valid():
        saved = national_rate_save(rate=form.save(commit=False), actor=request.user)
        messages.success(request, f"National rate for {saved.year} saved.")
        return redirect("applications:cycle_list")
    return render(request, "applications/rate_form.html", {"form": form, "rate": rate})
