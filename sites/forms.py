from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import Jurisdiction
from program.focus_areas import FocusArea
from psp_portal.text_limits import bounded_text

from .models import Goal, Site, TeamMember


def liaison_choices():
    return (
        get_user_model()
        .objects.filter(groups__permissions__codename="log_engagement", is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def _helper(submit_label: str | None = None, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


@bounded_text
class SiteForm(forms.ModelForm):
    """Create or edit a site's profile (program admins)."""

    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"),
        choices=FocusArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    liaison = forms.ModelChoiceField(
        label=_("Strategic Site Liaison"), queryset=None, required=False
    )

    class Meta:
        model = Site
        fields = [
            "jurisdiction", "cohort_year", "usao_district", "engagement_level", "start_date",
            "expected_end_date", "summary", "internal_notes",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "expected_end_date": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "expected_end_date": _("Leave empty on a new site: three years after the start.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.order_by("name", "state")
        self.fields["liaison"].queryset = liaison_choices()
        self.fields["expected_end_date"].required = False
        if self.instance.pk:
            # Jurisdiction is fixed once the site exists; the liaison has its own page.
            del self.fields["jurisdiction"]
            del self.fields["liaison"]
            self.fields["expected_end_date"].required = True
            self.initial["focus_areas"] = [
                row.focus_area for row in self.instance.focus_area_rows.all()
            ]
        self.helper = _helper(_("Save site"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("expected_end_date")
        if start and end and end < start:
            self.add_error("expected_end_date", _("The expected end is before the start date."))
        level, year = data.get("engagement_level"), data.get("cohort_year")
        if level and year and year not in (2017, 2018):
            self.add_error(
                "engagement_level",
                _("Only 2017 and 2018 sites are diagnostic or operations sites."),
            )
        return data

    def validate_unique(self):
        # site_create gives a clearer message for a second site in one cohort.
        pass


class PhaseChangeForm(forms.Form):
    phase = forms.ChoiceField(label=_("New phase"), choices=())
    started_on = forms.DateField(
        label=_("Began on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(p, Site.Phase(p).label) for p in site.next_phases]
        self.helper = _helper(_("Change phase"))


class LiaisonAssignForm(forms.Form):
    liaison = forms.ModelChoiceField(label=_("Strategic Site Liaison"), queryset=None)
    started_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = liaison_choices()
        self.helper = _helper(_("Assign liaison"))


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["role", "name", "title", "organisation", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_tag=False)
        self.helper.disable_csrf = True


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "target_date", "status"]
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_tag=False)
        self.helper.disable_csrf = True


TeamFormSet = forms.inlineformset_factory(
    Site, TeamMember, form=TeamMemberForm, extra=2, can_delete=True
)
GoalFormSet = forms.inlineformset_factory(Site, Goal, form=GoalForm, extra=2, can_delete=True)
