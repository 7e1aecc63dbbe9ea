"""The form renderer: Django's own, with <select> and <input> elements written in Python.

Django renders a <select> through templates: select.html, then select_option.html and
attrs.html once per option. A state filter (57 options) is 115 template renders, and
the filter forms above the lists (issue 20) spent most of their time there. An <input>
is three renders (text.html or date.html..., input.html, attrs.html), for every text,
date and number field of every filter form above a list. This renderer writes the same
markup directly, byte for byte, for Django's select and option templates and for the
widget templates that only include input.html; any other template, or a widget that
names its own option template, goes through Django's templates as before.
tests/test_forms_renderer.py compares both outputs.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Django's widget templates whose whole content is {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "input",
        "number", "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip

# What the form engine's templates render with: autoescape on, USE_L10N and USE_TZ
# from settings (None).
_CONTEXT = Context(autoescape=True)


def _text(value) -> str:
    """`{{ value }}` in a template."""
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}` in a template (safe input stays unescaped)."""
    formatted = str(value) if isinstance(value, tuple) else value
    try:
        formatted = "%s" % formatted  # noqa: UP031 (what the stringformat filter runs)
    except (ValueError, TypeError):
        formatted = ""
    return formatted if isinstance(value, SafeData) else conditional_escape(formatted)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}")
        if value is not True:
            out.append(f'="{_stringformat(value)}"')
    return "".join(out)


def render_select(widget: dict) -> str | None:
    """select.html for this widget context, or None if an option has its own template."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            # The option template ends with a newline, which the include keeps.
            parts.append(
                f'\n  <option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_input(widget: dict) -> str:
    """input.html for this widget context."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_stringformat(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        # BaseRenderer.render strips its output; these have no outer whitespace.
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
