"""The list pages' filters (their own FilterSets), plus what an analyst syncs by.

`updated_since` lets a scheduled refresh (Power BI, a provider's system) fetch only
rows changed since its last run.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.geography import STATE_CHOICES
from applications.models import Application, Cycle, NationalCrimeRate
from engagements.filters import EngagementFilter
from engagements.models import FollowUpAction
from program.focus_areas import FocusArea
from reports.models import Report
from reviews.filters import QueueFilter
from sites.filters import SiteFilter


class SiteApiFilter(SiteFilter):
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed on or after (ISO 8601)"), field_name="updated_at", lookup_expr="gte"
    )

    class Meta(SiteFilter.Meta):
        fields = [*SiteFilter.Meta.fields, "updated_since"]


class EngagementApiFilter(EngagementFilter):
    cohort_year = django_filters.NumberFilter(
        label=_("Site cohort"), field_name="site__cohort_year"
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), field_name="site__jurisdiction__state", choices=STATE_CHOICES
    )
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed on or after (ISO 8601)"), field_name="updated_at", lookup_expr="gte"
    )

    class Meta(EngagementFilter.Meta):
        fields = [*EngagementFilter.Meta.fields, "cohort_year", "state", "updated_since"]


class FollowUpApiFilter(django_filters.FilterSet):
    engagement = django_filters.NumberFilter(field_name="engagement_id")
    site = django_filters.NumberFilter(field_name="engagement__site_id")
    done = django_filters.BooleanFilter()
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    focus_area = django_filters.ChoiceFilter(
        label=_("Engagement focus area"), choices=FocusArea.choices, method="with_focus_area"
    )

    class Meta:
        model = FollowUpAction
        fields = ["engagement", "site", "done", "due_from", "due_to", "focus_area"]

    def with_focus_area(self, queryset, name, value):
        # Same quoted match on the JSON list as engagements.filters.EngagementFilter.
        return queryset.filter(engagement__focus_areas__icontains=f'"{value}"')


class SoiApiFilter(QueueFilter):
    """The review queue's SQL filters. Its computed ones (screening, queue status) are
    worked out per row after paging, so a cursor page could not honour them: left out."""

    screening = None
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in Application.Status.choices if c[0] != Application.Status.DRAFT],
    )
    submitted_from = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_to = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta(QueueFilter.Meta):
        fields = [
            "q", "cycle", "state", "status", "assigned_to_me", "submitted_from",
            "submitted_to", "updated_since",
        ]  # fmt: skip


class ReportApiFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)
    created_from = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Report
        fields = ["kind", "status", "created_from"]


class CycleApiFilter(django_filters.FilterSet):
    class Meta:
        model = Cycle
        fields = ["year"]


class NationalRateApiFilter(django_filters.FilterSet):
    class Meta:
        model = NationalCrimeRate
        fields = ["year"]
