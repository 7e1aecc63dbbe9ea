from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from program.focus_areas import FocusArea
from psp_portal.text_limits import bounded_text
from psp_portal.uploads import validate_csv_upload

from .models import Engagement, FollowUpAction, NarrativeUpdate
from .uploads import ALLOWED_DESCRIPTION, validate_attachment

DATE = {"type": "date"}


def _helper(submit_label: str | None = None, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


def _check_figures(form, data):
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        form.add_error("end_date", _("The end date is before the start date (%s).") % start)


@bounded_text
class EngagementForm(forms.ModelForm):
    """Log or edit an engagement; status changes have their own forms."""

    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"),
        choices=FocusArea.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("%(value)s is not a PSP focus area.")},
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0,
        max_digits=7,
        decimal_places=1,
        required=False,
        error_messages={"min_value": _("Hours cannot be negative.")},
    )
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        required=False,
        error_messages={"min_value": _("The number of participants cannot be negative.")},
    )
    agencies_represented = forms.IntegerField(
        label=_("Agencies represented"),
        min_value=0,
        required=False,
        error_messages={"min_value": _("The number of agencies cannot be negative.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in Engagement.Status.choices if c[0] != Engagement.Status.CANCELLED],
        initial=Engagement.Status.PLANNED,
        help_text=_("Log a past engagement as delivered, a future one as planned."),
    )

    class Meta:
        model = Engagement
        fields = [
            "title", "type", "focus_areas", "provider", "start_date", "end_date", "delivery",
            "hours", "participants", "agencies_represented", "target_audience", "status",
            "summary", "outcomes", "milestones", "internal_notes",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs=DATE),
            "end_date": forms.DateInput(attrs=DATE),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "milestones": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["status"]  # deliver and cancel have their own pages
        self.helper = _helper(form_tag=False)

    def clean(self):
        data = super().clean()
        _check_figures(self, data)
        if data.get("status") == Engagement.Status.DELIVERED:
            if data.get("start_date") and data["start_date"] > timezone.localdate():
                self.add_error(
                    "status", _("An engagement that has not started cannot be delivered.")
                )
            for name in ("hours", "participants"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Required for a delivered engagement."))
        return data


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_date", "done"]
        widgets = {"due_date": forms.DateInput(attrs=DATE)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(form_tag=False)
        self.helper.disable_csrf = True


FollowUpFormSet = forms.inlineformset_factory(
    Engagement, FollowUpAction, form=FollowUpForm, extra=1, can_delete=True
)


@bounded_text
class DeliverForm(forms.Form):
    """The actual figures that replace the plan's estimates."""

    start_date = forms.DateField(label=_("Actual start date"), widget=forms.DateInput(attrs=DATE))
    end_date = forms.DateField(label=_("Actual end date"), widget=forms.DateInput(attrs=DATE))
    hours = forms.DecimalField(
        label=_("Hours delivered"),
        min_value=0,
        max_digits=7,
        decimal_places=1,
        error_messages={"min_value": _("Hours cannot be negative.")},
    )
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        error_messages={"min_value": _("The number of participants cannot be negative.")},
    )
    agencies_represented = forms.IntegerField(
        label=_("Agencies represented"),
        min_value=0,
        error_messages={"min_value": _("The number of agencies cannot be negative.")},
    )
    outcomes = forms.CharField(
        label=_("Outcomes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Mark delivered"))

    def clean(self):
        data = super().clean()
        _check_figures(self, data)
        if data.get("start_date") and data["start_date"] > timezone.localdate():
            self.add_error(
                "start_date", _("An engagement that has not started cannot be delivered.")
            )
        return data


@bounded_text
class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for cancelling.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Cancel engagement"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for cancelling."), code="required")
        return reason


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("%s.") % ALLOWED_DESCRIPTION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Upload"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_attachment(upload)
        return upload


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Use the template's columns."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Check and import"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_csv_upload(upload, max_bytes=5 * 1024 * 1024)
        return upload


@bounded_text
class NarrativeForm(forms.ModelForm):
    class Meta:
        model = NarrativeUpdate
        fields = ["narrative", "engagements_delivered", "hours_delivered"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "engagements_delivered": _("Pre-filled from the engagement log."),
            "hours_delivered": _("Pre-filled from the engagement log."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours_delivered"].min_value = 0
        self.fields["hours_delivered"].validators.append(MinValueValidator(0))
        self.helper = _helper(_("Save narrative"))
