"""The base of the portal's list filters (django-filter).

The empty choice of a filter means "do not narrow": it reads "All statuses", "All
cohorts" (declared per filter as `empty_label`) or, when a filter says nothing, "Any";
never Django's "---------", which a screen reader announces as "dash dash dash" and
nobody reads as "all" (issue 16). Yes/no filters read "Any / Yes / No", not django-filter's
"Unknown". tests/test_filter_labels.py walks every filter form and fails on either.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from django_filters.widgets import BooleanWidget

ANY = _("Any")
YES = _("Yes")
NO = _("No")


class AnyYesNoWidget(BooleanWidget):
    """django-filter's yes/no select, with an empty choice that says what it does."""

    def __init__(self, attrs=None, *, any_label=ANY, yes=YES, no=NO):
        super().__init__(attrs)
        self.choices = (("", any_label), ("true", yes), ("false", no))


class _FieldsOfOneForm(dict):
    """A form class's base_fields that its one form takes as they are (no deep copy)."""

    def __deepcopy__(self, memo):
        return dict(self)


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose selects never offer "---------" or "Unknown"."""

    def get_form_class(self):
        form_class = super().get_form_class()
        # django-filter makes the form class for this FilterSet alone, from fields just
        # built from this instance's own copies of the filters; Form.__init__ would deep
        # copy them all again (every choice and its lazy label), about a third of the
        # filter form's cost on each list page (issue 20).
        form_class.base_fields = _FieldsOfOneForm(form_class.base_fields)
        return form_class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # self.filters is this instance's deep copy of the declared filters.
        for item in self.filters.values():
            if isinstance(item, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter):
                # ModelChoiceFilter fills in django-filter's default ("---------") itself.
                label = item.extra.get("empty_label", filter_settings.EMPTY_CHOICE_LABEL)
                if label == filter_settings.EMPTY_CHOICE_LABEL:
                    item.extra["empty_label"] = ANY
            elif isinstance(item, django_filters.BooleanFilter):
                widget = item.extra.get("widget")
                # No widget means Django's NullBooleanSelect ("Unknown"), as does a bare
                # BooleanWidget; a hidden input or an AnyYesNoWidget is left alone.
                if widget is None or widget is BooleanWidget or type(widget) is BooleanWidget:
                    item.extra["widget"] = AnyYesNoWidget
