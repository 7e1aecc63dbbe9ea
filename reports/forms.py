from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .models import ReportSettings


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["marking"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save settings"))

    def clean_marking(self):
        marking = " ".join(self.cleaned_data["marking"].split())
        if not marking:
            raise forms.ValidationError(
                "Enter the handling marking printed on every page.", code="required"
            )
        return marking


def ensure_helper(form: forms.Form) -> forms.Form:
    """Give a kind's params form a crispy helper with a submit button if it has none."""
    if getattr(form, "helper", None) is None:
        form.helper = FormHelper()
        form.helper.add_input(Submit("request", "Request report"))
    return form
