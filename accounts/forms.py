from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .roles import STAFF_ROLES


class StaffAccountForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Work email address", help_text="The person signs in with it.")
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=[(role, role) for role in STAFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every role this person holds.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Create account"))
