import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import MAX_LIFETIME_DAYS
from .scopes import Scope

DEFAULT_LIFETIME_DAYS = 90


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, e.g. “Power BI program dashboard”.",
    )
    scopes = forms.MultipleChoiceField(
        label="Read scopes",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The token reads only these, and only what you may see on the pages.",
    )
    expires_on = forms.DateField(
        label="Expires on",
        help_text=f"At most {MAX_LIFETIME_DAYS} days from today. Format: YYYY-MM-DD.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault(
                "expires_on", today + datetime.timedelta(days=DEFAULT_LIFETIME_DAYS)
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Create token"))

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise ValidationError("Choose a date after today.", code="past")
        if value > today + datetime.timedelta(days=MAX_LIFETIME_DAYS):
            raise ValidationError(
                f"A token lasts at most {MAX_LIFETIME_DAYS} days; choose an earlier date.",
                code="too_long",
            )
        return value
