"""Review and selection forms: shape checks here, business rules in services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from psp_portal.text_limits import bounded_text

from .models import CRITERIA, MAX_SCORE, Decision, Review, ScreeningOverride
from .screening import CHECKS, OVERALL

SCORE_CHOICES = [("", _("Not scored yet"))] + [(str(n), str(n)) for n in range(MAX_SCORE + 1)]


def _helper(*submits: tuple[str, str]) -> FormHelper:
    helper = FormHelper()
    for name, label in submits:
        helper.add_input(Submit(name, label))
    return helper


def reviewer_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename="review_application")
        .distinct()
        .order_by("full_name", "email")
    )


@bounded_text
class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this jurisdiction?"),
        choices=[
            ("false", _("No, I have no conflict of interest")),
            ("true", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        help_text=_(
            "A conflict includes a financial interest, employment or a close personal "
            "relationship with the jurisdiction or its leaders. The declaration is final."
        ),
    )
    explanation = forms.CharField(
        label=_("Describe the conflict"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if you have a conflict."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("declare", _("Record my declaration")))

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not (data.get("explanation") or "").strip():
            self.add_error("explanation", forms.ValidationError(
                _("Describe the conflict of interest."), code="required"
            ))  # fmt: skip
        return data


@bounded_text
class ReviewForm(forms.ModelForm):
    """Scores may be left empty in a draft; the submit button requires them all."""

    class Meta:
        model = Review
        fields = [
            *(f for key, _l, _h in CRITERIA for f in (f"score_{key}", f"comment_{key}")),
            "recommendation",
            "notes",
        ]
        widgets = {
            **{f"comment_{key}": forms.Textarea(attrs={"rows": 3}) for key, _l, _h in CRITERIA},
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fieldsets = []
        for key, label, help_text in CRITERIA:
            score = self.fields[f"score_{key}"]
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                # The criterion in every label, so the error summary says which score is wrong.
                label=format_lazy("{}: score (0-5)", label),
                error_messages={"invalid_choice": _("Scores run from 0 to 5.")},
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=help_text,
                initial=score.initial,
            )
            self.fields[f"comment_{key}"].label = format_lazy("{}: comment", label)
            fieldsets.append(Fieldset(label, f"score_{key}", f"comment_{key}"))
        self.fields["recommendation"].label = _("Overall recommendation")
        self.fields["recommendation"].widget = forms.RadioSelect(
            choices=Review.Recommendation.choices
        )
        self.helper = _helper(
            ("save_draft", _("Save draft")), ("submit_review", _("Submit review"))
        )
        self.helper.layout = Layout(*fieldsets, "recommendation", "notes")

    def clean(self):
        data = super().clean()
        if "submit_review" in self.data:
            for key, _label, _help in CRITERIA:
                if data.get(f"score_{key}") is None and f"score_{key}" not in self.errors:
                    self.add_error(f"score_{key}", forms.ValidationError(
                        _("Score this criterion before submitting."), code="required"
                    ))  # fmt: skip
            if not data.get("recommendation"):
                self.add_error("recommendation", forms.ValidationError(
                    _("Choose a recommendation before submitting."), code="required"
                ))  # fmt: skip
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("confirm", submit_label or _("Confirm")))


class AssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(
        label=_("Review due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Leave empty for the default: three weeks after the cycle closes, and at least "
            "two weeks from today. Reviewers are reminded 3 days before and on the day."
        ),
    )

    def clean_due_date(self):
        from django.utils import timezone

        due = self.cleaned_data.get("due_date")
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."), code="past")
        return due

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_choices()
        self.helper = _helper(("assign", _("Assign")))


class BulkAssignForm(AssignForm):
    applications = forms.ModelMultipleChoiceField(
        label=_("Statements of Interest"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = (
            (
                applications
                if applications is not None
                else Application.objects.filter(status=Application.Status.SUBMITTED)
            )
            .select_related("jurisdiction")
            .order_by("reference_number")
        )
        self.fields["applications"].label_from_instance = lambda app: (
            f"{app.reference_number} - {app.jurisdiction}"
        )
        self.helper.layout = Layout("applications", "reviewers", "due_date")


class OverrideForm(forms.Form):
    check_key = forms.ChoiceField(
        label=_("Screening check"),
        choices=[*CHECKS, (OVERALL, _("Overall result"))],
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=ScreeningOverride.Result.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Kept in the record with your name and the time."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("override", _("Record override")))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("Why this decision: it is kept in the record and may inform the letter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("decide", _("Record decision")))

    def clean_rationale(self):
        value = self.cleaned_data["rationale"].strip()
        if not value:
            raise forms.ValidationError(_("Give the rationale for the decision."), code="required")
        return value


@bounded_text
class MaxSitesForm(forms.Form):
    """A program admin changes the cap on selections; the reason is kept with the change."""

    max_sites = forms.IntegerField(
        label=_("Sites this cycle takes"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for changing the number of sites.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(("save_max_sites", _("Save")))


class SlateReportForm(forms.Form):
    """The "selection slate" PDF, requested from the reports pages."""

    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=None, empty_label=_("Choose a cycle"))

    def __init__(self, *args, user=None, **kwargs):
        from applications.models import Cycle

        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.order_by("-opens_at")
        self.helper = _helper(("request", _("Request PDF")))

    def to_params(self) -> dict:
        return {"cycle_id": self.cleaned_data["cycle"].pk}
