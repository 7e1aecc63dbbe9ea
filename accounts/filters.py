"""The staff accounts list: a search box and filters (django-filter)."""

import django_filters
from django.db.models import Q

from psp_portal.filtersets import AnyYesNoWidget, PortalFilterSet

from .models import User
from .roles import STAFF_ROLES


class StaffAccountFilter(PortalFilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Name or email.")
    role = django_filters.ChoiceFilter(
        label="Role",
        field_name="groups__name",
        choices=[(r, r) for r in STAFF_ROLES],
        empty_label="All roles",
    )
    is_active = django_filters.BooleanFilter(
        label="Status",
        widget=AnyYesNoWidget(any_label="All statuses", yes="Active", no="Inactive"),
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(email__icontains=value))
