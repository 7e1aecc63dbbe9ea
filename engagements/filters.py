import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from program.focus_areas import FocusArea

from .models import Engagement


class EngagementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Engagement.Status.choices)
    type = django_filters.ChoiceFilter(label=_("Type"), choices=Engagement.Type.choices)
    focus_area = django_filters.ChoiceFilter(
        label=_("Focus area"), choices=FocusArea.choices, method="with_focus_area"
    )
    start_from = django_filters.DateFilter(
        label=_("Starting on or after"), field_name="start_date", lookup_expr="gte"
    )
    start_to = django_filters.DateFilter(
        label=_("Starting on or before"), field_name="start_date", lookup_expr="lte"
    )

    class Meta:
        model = Engagement
        fields = ["q", "status", "type", "focus_area", "start_from", "start_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(tracking_number__icontains=value)
            | Q(site__jurisdiction__name__icontains=value)
            | Q(provider__icontains=value)
        )

    def with_focus_area(self, queryset, name, value):
        # focus_areas is a JSON list; its text holds each value in quotes, and no value
        # is a substring of another, so a quoted text match works on SQLite and PostgreSQL.
        return queryset.filter(focus_areas__icontains=f'"{value}"')
