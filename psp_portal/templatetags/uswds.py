"""Template helpers for the USWDS look: the crispy-forms "uswds" pack and base.html.

Registered in settings.TEMPLATES["OPTIONS"]["libraries"] as "uswds" (psp_portal is not an
installed app, so Django would not discover this module by itself). Load with
`{% load uswds %}`.

The ids follow Django's own convention (`<auto_id>_helptext`, `<auto_id>_error`), so the
`aria-describedby` Django would compute and the ids the templates print always agree.
"""

import os

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundWidget
from django.forms.utils import flatatt
from django.template import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# Button classes crispy's layout objects carry (Bootstrap names) -> USWDS classes.
_BUTTON_CLASSES = {
    "btn": "",
    "btn-primary": "",
    "btn-secondary": "usa-button--outline",
    "btn-inverse": "usa-button--outline",
    "btn-danger": "usa-button--secondary",
    "btn-link": "usa-button--unstyled",
}


def _is_choice_list(widget) -> bool:
    # RadioSelect and CheckboxSelectMultiple (a RadioSelect subclass in Django's tree).
    return isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


def _join(*classes) -> str:
    seen = []
    for chunk in classes:
        for name in (chunk or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


@register.filter
def uswds_kind(field) -> str:
    """How field.html lays the field out: choices, checkbox, file, select, textarea, input."""
    widget = field.field.widget
    if _is_choice_list(widget):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.filter
def uswds_is_radio(field) -> bool:
    widget = field.field.widget
    return isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    )


@register.filter
def uswds_initial_file_name(field) -> str:
    """The name of the file already stored for a file field (shown on redisplay), or ''."""
    if uswds_kind(field) != "file":
        return ""
    initial = field.initial
    name = getattr(initial, "name", None)
    # A stored FieldFile has a name and no content_type; a fresh upload is not "stored".
    if not name or hasattr(initial, "content_type"):
        return ""
    return os.path.basename(name)


def _describedby(field, show_errors: bool) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if uswds_initial_file_name(field):
        ids.append(f"{field.auto_id}_current")
    if uswds_dropped_upload(field):
        ids.append(f"{field.auto_id}_again")
    if show_errors and field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def uswds_describedby(field, show_errors=True) -> str:
    """The ids a field's input (or fieldset) is described by: hint, stored file, error."""
    if not field.auto_id:
        return ""
    return _describedby(field, bool(show_errors))


@register.simple_tag(takes_context=True)
def uswds_widget(context, field, extra_class=""):
    """Render a field's input with USWDS classes, aria-describedby and aria-invalid.

    Django adds `required`, `aria-invalid="true"` (when the field has errors) and the
    `id`; this adds the classes and an aria-describedby that also names the
    stored-file note. File fields render as a plain file input: the browser cannot
    prefill one, and Django's ClearableFileInput would ask the storage for a public URL,
    which uploads deliberately do not have.
    """
    widget = field.field.widget
    show_errors = context.get("form_show_errors", True) is not False
    kind = uswds_kind(field)
    base = {
        "checkbox": "usa-checkbox__input",
        "file": "usa-file-input",
        "select": "usa-select",
        "textarea": "usa-textarea",
    }.get(kind, "usa-input")
    error = ""
    if show_errors and field.errors and kind in ("input", "select", "textarea"):
        error = "usa-input--error"
    attrs = {"class": _join(widget.attrs.get("class"), base, error, extra_class)}
    if field.auto_id and not widget.attrs.get("aria-describedby"):
        describedby = _describedby(field, show_errors)
        if describedby:
            attrs["aria-describedby"] = describedby
    if kind == "file":
        # USWDS's file-input script sets aria-label="Drag file here or choose from folder"
        # on the input, which would hide the field's own label from screen readers;
        # aria-labelledby takes precedence over aria-label.
        if field.auto_id:
            attrs["aria-labelledby"] = f"{field.auto_id}_label"
        plain = forms.FileInput(attrs={**widget.attrs})
        plain.is_required = widget.is_required
        return field.as_widget(widget=plain, attrs=attrs)
    return field.as_widget(attrs=attrs)


# Context names uswds/field.html reads besides the field; components/field.html's fast
# path below applies only when none is set (a crispy layout sets them, a list page does not).
_LAYOUT_OPTIONS = ("wrapper_class", "label_class", "crispy_prepended_text",
                   "crispy_appended_text", "buttons")  # fmt: skip
_REQUIRED = ' <abbr title="required" class="usa-hint usa-hint--required">*</abbr>'


@register.simple_tag(takes_context=True)
def uswds_field(context, field):
    """components/field.html: one field of a hand-written form, as uswds/field.html lays it
    out with errors and labels shown.

    The filter forms above the lists render a text, date or select field per column on
    every request, and uswds/field.html spends some forty variable lookups and branches
    on each. Those kinds (input, select, textarea) are written here, byte for byte the
    template's output (tests/test_uswds_pack.py compares the two for every filter form);
    any other kind, a hidden field, or a layout option in the context renders the
    template itself.
    """
    kind = uswds_kind(field)
    if (
        field.is_hidden
        or kind not in ("input", "select", "textarea")
        or any(context.get(name) for name in _LAYOUT_OPTIONS)
    ):
        template = context.template.engine.get_template("uswds/field.html")
        with context.push(form_show_errors=True, form_show_labels=True):
            return template.render(context)
    errors = field.errors
    css = field.css_classes()
    auto_id = conditional_escape(field.auto_id)
    help_text = (
        f'<div class="usa-hint" id="{auto_id}_helptext">{field.help_text}</div>'
        if field.help_text
        else ""
    )
    error_text = ""
    if errors:
        shown = "<br>".join(conditional_escape(error) for error in errors)
        error_text = f'<span class="usa-error-message" id="{auto_id}_error">{shown}</span>'
    widget = uswds_widget({"form_show_errors": True}, field)
    return mark_safe(
        f'\n<div id="div_{auto_id}" class="usa-form-group'
        f'{" usa-form-group--error" if errors else ""}{" " + conditional_escape(css) if css else ""}">\n'
        f'\n  <label class="usa-label{" usa-label--error" if errors else ""}"'
        f' for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}'
        f"{_REQUIRED if field.field.required else ''}</label>\n"
        f"  {help_text}\n{error_text}\n\n"
        f"  \n  \n  {widget}\n  \n  \n  \n\n</div>\n\n"
    )


@register.simple_tag
def uswds_choices(field):
    """Options of a radio or checkbox list: [{"id", "label", "input"}], input HTML ready.

    Each input carries Django's attributes (checked, required, aria-invalid) plus the
    USWDS class; the fieldset around them carries aria-describedby.
    """
    widget = field.field.widget
    css = "usa-radio__input" if uswds_is_radio(field) else "usa-checkbox__input"
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    attrs["class"] = _join(widget.attrs.get("class"), css)
    values = widget.format_value(field.value())
    options = []
    for _group, group_options, _index in widget.optgroups(field.html_name, values, attrs):
        for option in group_options:
            bound = BoundWidget(widget, option, field.form.renderer)
            options.append(
                {
                    "id": option["attrs"].get("id", ""),
                    "label": option["label"],
                    "input": bound.tag(wrap_label=False),
                }
            )
    return options


@register.simple_tag
def uswds_clear_checkbox(field):
    """Name and id of ClearableFileInput's "remove the stored file" checkbox, or None."""
    widget = field.field.widget
    if (
        not isinstance(widget, forms.ClearableFileInput)
        or field.field.required
        or not uswds_initial_file_name(field)
    ):
        return None
    name = widget.clear_checkbox_name(field.html_name)
    return {"name": name, "id": widget.clear_checkbox_id(name)}


@register.filter
def uswds_has_required(form) -> bool:
    """True when a visible field of the form (or of any form of a formset) is required."""
    forms_ = getattr(form, "forms", None)
    if forms_ is not None:
        candidates = list(forms_) or [form.empty_form]
        return any(uswds_has_required(f) for f in candidates)
    return any(f.field.required and not f.is_hidden for f in form)


def _form_error_items(form, prefix_text=""):
    items = []
    for error in form.non_field_errors():
        items.append({"href": "", "message": f"{prefix_text}{error}"})
    for field in form:
        for error in field.errors:
            label = field.label or field.name
            href = f"#{field.auto_id}" if field.auto_id and not field.is_hidden else ""
            items.append({"href": href, "message": f"{prefix_text}{label}: {error}"})
    return items


@register.simple_tag
def uswds_error_items(form):
    """Every error of a form or formset, in page order, for the error summary.

    Each item is {"href": "#<input id>" or "", "message": "<Label>: <error>"}; non-field
    and formset-level errors have no link.
    """
    forms_ = getattr(form, "forms", None)
    if forms_ is None:
        return _form_error_items(form) if form.is_bound else []
    if not form.is_bound:
        return []
    items = [{"href": "", "message": str(e)} for e in form.non_form_errors()]
    for number, member in enumerate(forms_, start=1):
        items.extend(_form_error_items(member, prefix_text=f"Item {number}: "))
    return items


@register.filter
def uswds_button_classes(field_classes) -> str:
    """Translate crispy's Bootstrap button classes into USWDS ones."""
    names = ["usa-button"]
    for name in (field_classes or "").split():
        mapped = _BUTTON_CLASSES.get(name, name)
        if mapped and mapped not in names:
            names.append(mapped)
    return " ".join(names)


@register.filter
def uswds_other_attrs(attrs) -> str:
    """The helper's form attributes other than class, id and action, flattened."""
    if not isinstance(attrs, dict):
        return ""
    rest = {k: v for k, v in attrs.items() if k not in ("class", "id", "action")}
    return flatatt({k.replace("_", "-"): v for k, v in rest.items()})


# Rendered header rows, keyed by the menu itself (frozen MenuEntry tuples). A process sees
# few distinct menus (one per mix of roles and section of the portal); the bound only
# guards against a surprise.
_NAV_MENUS: dict[tuple, str] = {}
_NAV_MENUS_MAX = 1000


@register.simple_tag(takes_context=True)
def uswds_nav_menu(context):
    """The header's top row (components/nav_menu.html), rendered once per distinct menu.

    Its markup depends on nothing but the menu: labels, addresses and which entry is
    current. Rendering the loop was the largest part of base.html's cost on every page
    (a program admin's fourteen entries in four dropdowns)."""
    key = (tuple(context.get("nav_menu") or ()), context.autoescape)
    html = _NAV_MENUS.get(key)
    if html is None:
        template = context.template.engine.get_template("components/nav_menu.html")
        rendered = template.render(Context({"nav_menu": key[0]}, autoescape=key[1]))
        # The file's final newline is not part of the row (base.html has its own).
        html = mark_safe(rendered.removesuffix("\n"))
        if len(_NAV_MENUS) < _NAV_MENUS_MAX:
            _NAV_MENUS[key] = html
    return html


@register.simple_tag
def uswds_address(url_name: str) -> str:
    """{% url url_name %} for a URL without arguments, reversed once per URLconf and
    prefix (accounts.navigation.addresses): base.html's links on every page."""
    from accounts.navigation import addresses

    return addresses()[url_name]


# Rendered fragments that depend on nothing but the URLconf and prefix (the footer).
_FRAGMENTS: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def uswds_fragment(context, template_name: str):
    """{% include template_name %} for a fragment that reads no context, only URLs
    ({% url ... %}): rendered once per URLconf and prefix. base_minimal.html (the 500
    page) keeps the plain include: it must render whatever else is broken."""
    key = (template_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    html = _FRAGMENTS.get(key)
    if html is None:
        template = context.template.engine.get_template(template_name)
        html = _FRAGMENTS[key] = template.render(Context(autoescape=context.autoescape))
    return html


@register.simple_tag(takes_context=True)
def nav_is_current(context, url) -> bool:
    """True when the request is for this navigation entry or a page under it."""
    request = context.get("request")
    if request is None or not url:
        return False
    path = request.path
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


@register.filter
def uswds_alert_class(message) -> str:
    """USWDS alert modifier for a django.contrib.messages message."""
    tags = getattr(message, "tags", "") or ""
    for level in ("error", "warning", "success", "info"):
        if level in tags.split():
            return f"usa-alert--{level}"
    return "usa-alert--info"


@register.filter
def uswds_has_tag(tags, name) -> bool:
    """For allauth elements: is `name` among the element's tags."""
    return bool(tags) and name in tags


@register.filter
def uswds_not_false(value) -> bool:
    """False only for an explicit False (crispy's form_show_errors); a missing value is True."""
    return value is not False


@register.filter
def uswds_dropped_upload(field) -> str:
    """Name of a file chosen on the last submit that browsers cannot keep on redisplay, or ''.

    A file input cannot be prefilled, so when the form comes back with errors the
    person must choose the file again; the template says so beside the field.
    """
    form = field.form
    if uswds_kind(field) != "file" or not form.is_bound or not form.errors:
        return ""
    upload = form.files.get(field.html_name)
    return os.path.basename(getattr(upload, "name", "") or "")
