from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .models import ReportSettings


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = [
            "marking",
            "controlled_by",
            "cui_category",
            "dissemination",
            "point_of_contact",
            "signatory_name",
            "signatory_title",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save settings"))

    def clean(self):
        cleaned = super().clean()
        # Collapse runs of spaces; a value of only spaces is a missing value.
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = " ".join(value.split())
        if "marking" in cleaned and not cleaned["marking"]:
            self.add_error("marking", forms.ValidationError(
                "Enter the handling marking printed on every page.", code="required"
            ))  # fmt: skip
        elif "FOUO" in cleaned.get("marking", "").upper().replace(" ", "") or (
            "FOR OFFICIAL USE ONLY" in cleaned.get("marking", "").upper()
        ):
            self.add_error("marking", forms.ValidationError(
                "FOUO is a retired marking; use the CUI banner (e.g. CUI or CUI//FEDCON).",
                code="retired",
            ))  # fmt: skip
        for name in ("controlled_by", "cui_category", "dissemination", "point_of_contact"):
            if name in cleaned and not cleaned[name]:
                self.add_error(name, forms.ValidationError(
                    "Enter this part of the CUI designation block.", code="required"
                ))  # fmt: skip
        name, title = cleaned.get("signatory_name", ""), cleaned.get("signatory_title", "")
        if bool(name) != bool(title):
            field = "signatory_title" if name else "signatory_name"
            self.add_error(field, forms.ValidationError(
                "Enter both the signatory's name and title, or neither.", code="incomplete"
            ))  # fmt: skip
        return cleaned


def ensure_helper(form: forms.Form) -> forms.Form:
    """Give a kind's params form a crispy helper with a submit button if it has none."""
    if getattr(form, "helper", None) is None:
        form.helper = FormHelper()
        form.helper.add_input(Submit("request", "Request report"))
    return form
