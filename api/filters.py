"""The list pages' filters (their own FilterSets), plus what an analyst syncs by.

`updated_since` lets a scheduled refresh (Power BI, a provider's system) fetch only
rows changed since its last run.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from accounts.geography import STATE_CHOICES
from applications.models import Application, Cycle, NationalCrimeRate
from engagements.filters import EngagementFilter
from engagements.models import FollowUpAction
from program.focus_areas import FocusArea
from reports.models import Report
from reviews.filters import QueueFilter
from sites.filters import SiteFilter

ID_MAX = 2**63 - 1  # a 64-bit key: larger values would overflow the database driver
YEAR_MAX = 9999


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(django_filters.NumberFilter):
    """An id: an integer in the description and in validation (the pages' NumberFilter
    takes decimals), bounded so the database is never sent what it cannot compare."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": YEAR_MAX})
class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class SiteApiFilter(SiteFilter):
    cohort_year = YearFilter(label=_("Cohort"))
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed on or after (ISO 8601)"), field_name="updated_at", lookup_expr="gte"
    )

    class Meta(SiteFilter.Meta):
        fields = [*SiteFilter.Meta.fields, "updated_since"]


class EngagementApiFilter(EngagementFilter):
    site = IdFilter(field_name="site_id")
    cohort_year = YearFilter(label=_("Site cohort"), field_name="site__cohort_year")
    state = django_filters.ChoiceFilter(
        label=_("State"), field_name="site__jurisdiction__state", choices=STATE_CHOICES
    )
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed on or after (ISO 8601)"), field_name="updated_at", lookup_expr="gte"
    )

    class Meta(EngagementFilter.Meta):
        fields = [*EngagementFilter.Meta.fields, "cohort_year", "state", "updated_since"]


class FollowUpApiFilter(django_filters.FilterSet):
    engagement = IdFilter(field_name="engagement_id")
    site = IdFilter(field_name="engagement__site_id")
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
    year = YearFilter()

    class Meta:
        model = Cycle
        fields = ["year"]


class NationalRateApiFilter(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = NationalCrimeRate
        fields = ["year"]
