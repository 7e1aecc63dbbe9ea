from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .access import can_manage_staff
from .filters import StaffAccountFilter
from .forms import StaffAccountForm
from .models import User
from .roles import STAFF_ROLES
from .services import StaffAccountError, staff_account_create

PAGE_SIZE = 25


# Program admins only.
@login_required
def staff_list(request):
    if not can_manage_staff(request.user):
        raise PermissionDenied
    found = StaffAccountFilter(
        request.GET or None,
        queryset=User.objects.filter(groups__name__in=STAFF_ROLES)
        .distinct()
        .prefetch_related("groups")
        .order_by("email"),
    )
    page = Paginator(found.qs.distinct(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/staff_list.html",
        {"staff": page.object_list, "page": page, "filter": found, "query": query.urlencode()},
    )


# Program admins only.
@login_required
def staff_create(request):
    if not can_manage_staff(request.user):
        raise PermissionDenied
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_account_create(actor=request.user, **form.cleaned_data)
        except StaffAccountError as exc:
            # Beside the field at fault (and in the form's error summary).
            form.add_error(exc.field, str(exc))
        else:
            messages.success(
                request, f"Account created for {user.email}. A link to set a password was emailed."
            )
            return redirect("accounts:staff_list")
    return render(request, "accounts/staff_form.html", {"form": form})
