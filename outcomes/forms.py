import datetime

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.geography import STATE_CHOICES
from psp_portal.filtersets import PortalFilterSet
from psp_portal.text_limits import bounded_text
from psp_portal.uploads import validate_csv_upload
from sites.models import Site

from .models import FIRST_YEAR, OFFENSE_FIELDS, OutcomeYear


@bounded_text
class FiguresForm(forms.ModelForm):
    """A year's four offense counts, population, source and note (shape only; the
    service checks the figures together and refuses what cannot be right)."""

    class Meta:
        model = OutcomeYear
        fields = [*OFFENSE_FIELDS, "population", "source", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "population": _("The population the offenses were counted against."),
            "source": _("FBI figures as published (UCR/NIBRS), or the agency's own records."),
            "note": _(
                "Optional: e.g. an estimate, a change of reporting system, a boundary change."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*OFFENSE_FIELDS, "population", "source"):
            self.fields[name].required = True
        self.fields["source"].choices = [("", _("Choose a source"))] + list(
            OutcomeYear.Source.choices
        )
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("save", _("Save without submitting"), css_class="usa-button--outline")
        )
        self.helper.add_input(Submit("submit", _("Save and submit to the liaison")))

    def clean(self):
        data = super().clean()
        counts = [data.get(name) for name in OFFENSE_FIELDS]
        population = data.get("population")
        if population == 0:
            self.add_error("population", _("The population must be greater than zero."))
        elif population and all(c is not None for c in counts) and sum(counts) > population:
            self.add_error(
                "population",
                _(
                    "%(total)s offenses is more than the population; check the counts and the population."
                )
                % {"total": f"{sum(counts):,}"},
            )
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the figures going back?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The site's users receive this by email."),
        error_messages={"required": _("Enter the reason for returning the figures.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("return", _("Return to the site")))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(
                _("Enter the reason for returning the figures."), code="required"
            )
        return reason


class DueDateForm(forms.Form):
    year = forms.IntegerField(label=_("Figures for year"), min_value=FIRST_YEAR)
    due_on = forms.DateField(
        label=_("Due on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For example 1 October of the following year, once the FBI has published."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last_year = timezone.localdate().year - 1
        self.fields["year"].max_value = last_year + 1
        self.fields["year"].initial = last_year
        self.fields["due_on"].initial = datetime.date(last_year + 1, 10, 1)
        self.helper = FormHelper()
        self.helper.add_input(Submit("set", _("Set due date")))

    def clean(self):
        data = super().clean()
        year, due_on = data.get("year"), data.get("due_on")
        if year and due_on and due_on.year <= year:
            self.add_error("due_on", _("A year's figures fall due after the year has ended."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with the columns listed below; at most 5,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("upload", _("Check and import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The one upload validator (psp_portal.uploads): UTF-8 text without NUL bytes
        # and no known binary type, within 5 MB. A NUL byte would otherwise reach the
        # database's text column and fail the request.
        validate_csv_upload(upload, max_bytes=5 * 1024 * 1024)
        return upload


class OutcomeFilter(PortalFilterSet):
    """Cohort, state and phase narrow the sites; the years narrow what is shown of each."""

    cohort_year = django_filters.NumberFilter(label=_("Cohort"))
    state = django_filters.ChoiceFilter(
        label=_("State"),
        field_name="jurisdiction__state",
        choices=STATE_CHOICES,
        empty_label=_("All states"),
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Site.Phase.choices, empty_label=_("All phases")
    )
    year_from = django_filters.NumberFilter(label=_("From year"), method="keep")
    year_to = django_filters.NumberFilter(label=_("To year"), method="keep")

    class Meta:
        model = Site
        fields = ["cohort_year", "state", "phase", "year_from", "year_to"]

    def keep(self, queryset, name, value):
        return queryset  # read by the view: years limit the columns, not the sites

    def years(self) -> tuple[int | None, int | None]:
        if not self.form.is_valid():
            return None, None
        data = self.form.cleaned_data
        return (
            int(data["year_from"]) if data.get("year_from") else None,
            int(data["year_to"]) if data.get("year_to") else None,
        )
