"""The portal's form renderer writes <select> and <input> markup exactly as Django's
templates do."""

import datetime
import decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.geography import STATE_CHOICES
from psp_portal.forms_renderer import PortalFormRenderer

CASES = {
    "plain choices, one selected": (
        forms.Select(choices=[("", "---------"), ("a", "Alpha"), ("b", "Beta")]),
        "b",
    ),
    "states (many options), nothing chosen": (forms.Select(choices=STATE_CHOICES), None),
    "escaping in values, labels and attributes": (
        forms.Select(
            choices=[('x"<y>', "<b>bold</b> & co"), ("s", mark_safe("<i>safe</i>"))],
            attrs={"class": 'a"b', "data-x": "<&>", "required": True, "disabled": False},
        ),
        'x"<y>',
    ),
    "lazy labels and integer values": (
        forms.Select(choices=[(1, gettext_lazy("One")), (2024, 2024)]),
        2024,
    ),
    "optgroups": (
        forms.Select(
            choices=[("", "Any"), ("North", [("n1", "N 1"), ("n2", "N 2")]), ("z", "Zed")]
        ),
        "n2",
    ),
    "multiple": (
        forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]),
        ["a", "c"],
    ),
    "null boolean": (forms.NullBooleanSelect(), True),
    "empty": (forms.Select(choices=[]), None),
}


@pytest.mark.parametrize("case", CASES)
def test_select_markup_is_the_same_as_djangos_templates(case):
    widget, value = CASES[case]
    attrs = {"id": "id_field", "aria-describedby": "id_field_helptext"}
    expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert "<select" in expected
    assert widget.render("field", value, attrs=attrs, renderer=PortalFormRenderer()) == expected


@pytest.mark.django_db
def test_model_choice_field_select_is_the_same_as_djangos_templates(staff):
    from accounts.models import User

    field = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))

    class Form(forms.Form):
        person = field

    form = Form(data={"person": staff.pk})
    bound = form["person"]
    expected = bound.as_widget()  # the renderer in settings; compare with Django's own
    django_html = field.widget.render(
        "person", bound.value(), attrs={"id": "id_person"}, renderer=DjangoTemplates()
    )
    portal_html = field.widget.render(
        "person", bound.value(), attrs={"id": "id_person"}, renderer=PortalFormRenderer()
    )
    assert "selected" in portal_html
    assert portal_html == django_html
    assert expected.startswith('<select name="person"')


INPUT_CASES = {
    "text with a value": (forms.TextInput(), "Toledo"),
    "text, empty": (forms.TextInput(), None),
    "text, empty string": (forms.TextInput(), ""),
    "escaping in value and attributes": (
        forms.TextInput(attrs={"placeholder": 'a"b<c>', "required": True, "disabled": False}),
        '"><script>x</script>',
    ),
    "safe value": (forms.TextInput(), mark_safe("<i>safe</i>")),
    "lazy value": (forms.TextInput(), gettext_lazy("Any")),
    "date": (forms.DateInput(), datetime.date(2026, 12, 1)),
    "date with a format": (forms.DateInput(format="%m/%d/%Y"), datetime.date(2026, 3, 4)),
    "number": (forms.NumberInput(attrs={"min": 0, "step": "0.5"}), decimal.Decimal("12.50")),
    "email": (forms.EmailInput(), "a@example.gov"),
    "password never shows its value": (forms.PasswordInput(), "secret"),
    "hidden": (forms.HiddenInput(), 42),
    "checkbox, checked": (forms.CheckboxInput(), True),
    "checkbox, unchecked": (forms.CheckboxInput(), False),
    "checkbox with a value": (forms.CheckboxInput(), "yes"),
    "file": (forms.FileInput(attrs={"accept": ".pdf"}), None),
    "url": (forms.URLInput(), "https://example.gov/?a=1&b=2"),
    "time": (forms.TimeInput(), datetime.time(9, 30)),
    "datetime": (forms.DateTimeInput(), datetime.datetime(2026, 12, 1, 9, 30)),
}


@pytest.mark.parametrize("case", INPUT_CASES)
def test_input_markup_is_the_same_as_djangos_templates(case):
    widget, value = INPUT_CASES[case]
    attrs = {"id": "id_field", "aria-describedby": "id_field_helptext", "class": "usa-input"}
    expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    assert expected.startswith("<input")
    assert widget.render("field", value, attrs=attrs, renderer=PortalFormRenderer()) == expected


def test_a_widget_with_its_own_template_goes_through_the_templates():
    class Custom(forms.TextInput):
        template_name = "django/forms/widgets/textarea.html"

    widget = Custom()
    expected = widget.render("f", "a", renderer=DjangoTemplates())
    assert expected.startswith("<textarea")
    assert widget.render("f", "a", renderer=PortalFormRenderer()) == expected


def test_an_option_with_its_own_template_goes_through_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("a", "A")])
    expected = widget.render("f", "a", renderer=DjangoTemplates())
    assert widget.render("f", "a", renderer=PortalFormRenderer()) == expected


def test_the_portal_renderer_is_the_default():
    assert settings.FORM_RENDERER == "psp_portal.forms_renderer.PortalFormRenderer"
    assert isinstance(get_default_renderer(), PortalFormRenderer)
