import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.geography import STATE_CHOICES
from program.focus_areas import FocusArea
from psp_portal.filtersets import PortalFilterSet

from .forms import liaison_choices
from .models import Site


def liaison_options() -> list[tuple[int, str]]:
    """(pk, name) of each liaison, labelled as str(user) labels them.

    Plain pairs rather than a ModelChoiceFilter's users: that built a User per option
    (every liaison of the program) and read them through a server-side cursor, for a
    select that shows two strings per option."""
    rows = liaison_choices().values_list("pk", "full_name", "email")
    return [(pk, full_name or email) for pk, full_name, email in rows]


class SiteFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    cohort_year = django_filters.NumberFilter(label=_("Cohort"))
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Site.Phase.choices, empty_label=_("All phases")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        field_name="jurisdiction__state",
        choices=STATE_CHOICES,
        empty_label=_("All states"),
    )
    liaison = django_filters.ChoiceFilter(
        label=_("Liaison"),
        choices=liaison_options,
        empty_label=_("All liaisons"),
        # ModelChoiceField's words (an unknown id is not echoed back).
        error_messages={
            "invalid_choice": _(
                "Select a valid choice. That choice is not one of the available choices."
            )
        },
    )
    focus_area = django_filters.ChoiceFilter(
        label=_("Focus area"),
        field_name="focus_area_rows__focus_area",
        choices=FocusArea.choices,
        distinct=True,
        empty_label=_("All focus areas"),
    )

    class Meta:
        model = Site
        fields = ["q", "cohort_year", "phase", "state", "liaison", "focus_area"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(jurisdiction__name__icontains=value)
            | Q(usao_district__iexact=value)
            | Q(liaison__full_name__icontains=value)
            | Q(liaison__email__icontains=value)
        )
