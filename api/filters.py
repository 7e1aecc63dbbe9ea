"""The list pages' filters (their own FilterSets), plus what an analyst syncs by.

`updated_since` lets a scheduled refresh (Power BI, a provider's system) fetch only
rows changed since its last run.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from accounts.geography import STATE_CHOICES
from applications.models import Application, Cycle, NationalCrimeRate
from engagements.filters import EngagementFilter
from engagements.models import FollowUpAction
from outcomes.models import OutcomeYear
from program.focus_areas import FocusArea
from reports.models import Report
from reviews.filters import QueueFilter
from sites.filters import SiteFilter
from sites.models import Site

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


class OutcomeApiFilter(django_filters.FilterSet):
    """The program Outcomes page's filters (outcomes.forms.OutcomeFilter: cohort, state,
    phase, from and to year) on site-year rows, plus the site, the year and the status."""

    site = IdFilter(field_name="site_id")
    cohort_year = YearFilter(label=_("Cohort"), field_name="site__cohort_year")
    state = django_filters.ChoiceFilter(
        label=_("State"), field_name="site__jurisdiction__state", choices=STATE_CHOICES
    )
    phase = django_filters.ChoiceFilter(
        label=_("Site phase"), field_name="site__phase", choices=Site.Phase.choices
    )
    year = YearFilter()
    year_from = YearFilter(label=_("From year"), field_name="year", lookup_expr="gte")
    year_to = YearFilter(label=_("To year"), field_name="year", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=OutcomeYear.Status.choices)
    updated_since = django_filters.IsoDateTimeFilter(
        label=_(
            "Every year of the sites whose figures, site record or national rates changed "
            "on or after (ISO 8601)"
        ),
        method="changed_since",
    )

    class Meta:
        model = OutcomeYear
        fields = [
            "site", "cohort_year", "state", "phase", "year", "year_from", "year_to", "status",
            "updated_since",
        ]  # fmt: skip

    def changed_since(self, queryset, name, value):
        # A row's computed figures move when any year of its site changes (a baseline year
        # changes every year's change), when the site's phases change (the PSP years), or
        # when a national rate is revised; a refresh must fetch all of those rows again.
        # Every write to these goes through save(), so their history rows date the change.
        site_years = OutcomeYear.history.filter(
            site_id=OuterRef("site_id"), history_date__gte=value
        )
        national = NationalCrimeRate.history.filter(history_date__gte=value)
        return queryset.filter(
            Q(site__updated_at__gte=value) | Exists(site_years) | Exists(national)
        )


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
