import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from program.focus_areas import FocusArea
from psp_portal.filtersets import PortalFilterSet

from .models import Engagement


class EngagementFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Engagement.Status.choices, empty_label=_("All statuses")
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=Engagement.Type.choices, empty_label=_("All types")
    )
    focus_area = django_filters.ChoiceFilter(
        label=_("Focus area"),
        choices=FocusArea.choices,
        method="with_focus_area",
        empty_label=_("All focus areas"),
    )
    start_from = django_filters.DateFilter(
        label=_("Starting on or after"), field_name="start_date", lookup_expr="gte"
    )
    start_to = django_filters.DateFilter(
        label=_("Starting on or before"), field_name="start_date", lookup_expr="lte"
    )
    # Hidden from the form (see `form` below): set by links from the site page and the
    # liaison workspace ("and N more").
    site = django_filters.NumberFilter(field_name="site_id")
    mine = django_filters.BooleanFilter(method="on_my_sites")
    overdue = django_filters.BooleanFilter(method="with_overdue_follow_ups")

    class Meta:
        model = Engagement
        fields = [
            "q", "status", "type", "focus_area", "start_from", "start_to", "site", "mine",
            "overdue",
        ]  # fmt: skip

    LINK_ONLY = ("site", "mine", "overdue")

    @property
    def form(self):
        form = super().form
        for name in self.LINK_ONLY:
            form.fields[name].widget = forms.HiddenInput()
        return form

    def on_my_sites(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(site__liaison=user)

    def with_overdue_follow_ups(self, queryset, name, value):
        if not value:
            return queryset
        from .models import FollowUpAction

        overdue = FollowUpAction.objects.filter(done=False, due_date__lt=timezone.localdate())
        return queryset.filter(pk__in=overdue.values("engagement_id")).exclude(
            status=Engagement.Status.CANCELLED
        )

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
