"""The staff list of submitted SOIs: a search box and filters (django-filter)."""

import django_filters
from django.db.models import Q

from psp_portal.filtersets import PortalFilterSet

from .models import Application, Cycle


class StaffApplicationFilter(PortalFilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", help_text="Reference number or jurisdiction."
    )
    cycle = django_filters.ModelChoiceFilter(
        label="Cycle",
        queryset=lambda request: Cycle.objects.order_by("-opens_at"),
        empty_label="All cycles",
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        # Drafts are never listed to staff (applications_visible_to), so not offered.
        choices=[c for c in Application.Status.choices if c[0] != Application.Status.DRAFT],
        empty_label="All statuses",
    )
    state = django_filters.CharFilter(
        label="State", field_name="jurisdiction__state", lookup_expr="iexact",
        help_text="Two letters, e.g. OH.",
    )  # fmt: skip

    class Meta:
        model = Application
        fields = ["q", "cycle", "status", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference_number__icontains=value) | Q(jurisdiction__name__icontains=value)
        )
