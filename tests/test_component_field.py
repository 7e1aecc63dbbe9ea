"""components/field.html (psp_portal.templatetags.uswds.uswds_field) writes inputs,
selects and textareas in Python: the markup must stay byte for byte what
uswds/field.html renders, for every field of every filter form and the kinds the
template handles itself."""

import datetime

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tests.test_filter_labels import all_roles_user, project_filtersets

pytestmark = pytest.mark.django_db

COMPONENT = '{% include "components/field.html" with field=field %}'
# What components/field.html was before the fast path: the crispy pack's field template.
TEMPLATE = (
    '{# x #}\n{% include "uswds/field.html" with form_show_errors=True form_show_labels=True %}\n'
)


def assert_same_markup(field, **context):
    engine = engines["django"]
    expected = engine.from_string(TEMPLATE).render({"field": field, **context})
    assert engine.from_string(COMPONENT).render({"field": field, **context}) == expected


class EveryKindForm(forms.Form):
    error_css_class = "is-wrong"
    required_css_class = "is-required"

    q = forms.CharField(label=gettext_lazy("Search"), required=False, help_text="Title <or> id")
    name = forms.CharField(label='Name "quoted" & <b>', max_length=5)
    day = forms.DateField(
        label="Day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(label="Amount", min_value=0)
    email = forms.EmailField(label="Email", required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "All statuses"), ("a", "A")])
    states = forms.MultipleChoiceField(label="States", choices=[("oh", "Ohio"), ("pa", "PA")])
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea, help_text=mark_safe("<i>safe</i>")
    )
    colour = forms.ChoiceField(label="Colour", choices=[("r", "Red")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree", required=False)
    letter = forms.FileField(label="Letter", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


DATA = {
    "q": "x<y",
    "name": "far too long",
    "day": "2026-13-45",
    "amount": "-1",
    # Invalid choices are echoed in the error message: the markup must escape them.
    "status": "<script>x</script>",
    "states": ["oh", "<b>nope</b>"],
    "notes": "",
    "colour": "r",
    "agree": "on",
}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "with errors"])
@pytest.mark.parametrize("name", list(EveryKindForm.base_fields))
def test_each_kind_renders_as_the_template_does(name, bound):
    form = EveryKindForm(DATA if bound else None, initial={"day": datetime.date(2026, 12, 1)})
    assert_same_markup(form[name])


def test_an_echoed_invalid_choice_is_escaped():
    form = EveryKindForm(DATA)
    html = engines["django"].from_string(COMPONENT).render({"field": form["status"]})
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html


@pytest.mark.parametrize(
    "option", ["wrapper_class", "label_class", "crispy_prepended_text", "buttons"]
)
def test_layout_options_in_the_context_render_the_template(option):
    assert_same_markup(EveryKindForm()["q"], **{option: "extra"})


@pytest.mark.parametrize("filterset", project_filtersets(), ids=lambda cls: cls.__name__)
def test_every_filter_form_field_renders_as_the_template_does(filterset):
    request = RequestFactory().get("/")
    request.user = all_roles_user()
    queryset = filterset._meta.model.objects.none()
    empty = filterset(None, queryset=queryset, request=request).form
    data = {name: "not-a-valid-value" for name in empty.fields}
    bound = filterset(data, queryset=queryset, request=request).form
    bound.is_valid()
    for form in (empty, bound):
        for field in form.visible_fields():
            assert_same_markup(field)
