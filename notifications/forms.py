from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .kinds import DIGEST, IMMEDIATE, OFF, MailKind

CHOICES = {
    IMMEDIATE: "Email me",
    DIGEST: "Only in my weekly review digest",
    OFF: "Off",
}


class PreferencesForm(forms.Form):
    """One radio group per optional kind the person can receive; required kinds are not
    fields at all (the page lists them as always sent), so a forged POST cannot turn
    them off."""

    def __init__(self, *args, kinds: list[MailKind], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [kind for kind in kinds if not kind.required]
        for kind in self.kinds:
            options = [IMMEDIATE, DIGEST, OFF] if kind.digest_choice else [IMMEDIATE, OFF]
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=[(value, CHOICES[value]) for value in options],
                widget=forms.RadioSelect,
                initial=current.get(kind.key, IMMEDIATE),
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save my choices"))


class UnsubscribeForm(forms.Form):
    """The confirmation button of an unsubscribe link (no fields: the token authorises)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("confirm", "Turn off these emails"))
