import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.geography import STATE_CHOICES
from applications.models import Application, Cycle
from psp_portal.filtersets import AnyYesNoWidget, PortalFilterSet

from .models import ReviewAssignment
from .screening import RESULT_LABELS
from .selectors import STATUS_LABELS


class QueueFilter(PortalFilterSet):
    """SQL filters narrow the queryset; screening and status are computed, so the view
    applies them to the rows (see `python_filters`)."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", help_text=_("Jurisdiction name or reference number.")
    )
    cycle = django_filters.ModelChoiceFilter(
        label=_("Cycle"),
        queryset=Cycle.objects.order_by("-opens_at"),
        empty_label=_("All cycles"),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        field_name="jurisdiction__state",
        choices=STATE_CHOICES,
        empty_label=_("All states"),
    )
    screening = django_filters.ChoiceFilter(
        label=_("Screening result"),
        choices=list(RESULT_LABELS.items()),
        method="computed",
        empty_label=_("All screening results"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=list(STATUS_LABELS.items()),
        method="computed",
        empty_label=_("All statuses"),
    )
    assigned_to_me = django_filters.BooleanFilter(
        label=_("Assigned to me"),
        method="assigned",
        widget=AnyYesNoWidget,
    )

    class Meta:
        model = Application
        fields = ["q", "cycle", "state", "screening", "status", "assigned_to_me"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(jurisdiction__name__icontains=value) | Q(reference_number__icontains=value)
        )

    def computed(self, queryset, name, value):
        return queryset  # applied to the computed rows by python_filters

    def assigned(self, queryset, name, value):
        if value is None:
            return queryset
        mine = Exists(
            ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer=self.request.user)
        )
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def python_filters(self, rows):
        data = self.form.cleaned_data if self.form.is_valid() else {}
        if data.get("screening"):
            rows = [r for r in rows if r.screening.result == data["screening"]]
        if data.get("status"):
            rows = [r for r in rows if r.status == data["status"]]
        return rows
