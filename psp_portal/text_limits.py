"""Server-side length limits for free text (issue 14: a 2 MB narrative was accepted).

Model TextFields carry no length, so their form fields have none either. Each form
with free text is decorated with `@bounded_text`, which gives every unbounded
CharField a limit and the validator that enforces it; tests/test_text_limits.py
walks every form in the portal (and every admin form) and fails on an unbounded one.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

# A long free-text answer: several pages, far beyond any real note or comment.
LONG_TEXT_MAX_CHARS = 10_000
# The admin edits the same models; the same ceiling applies there.
ADMIN_TEXT_OVERRIDE = {
    models.TextField: {"max_length": LONG_TEXT_MAX_CHARS},
    models.JSONField: {"max_length": LONG_TEXT_MAX_CHARS},
}


def bound_field(field: forms.CharField, limit: int) -> None:
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))


def bounded_text(form_class=None, /, *, default: int = LONG_TEXT_MAX_CHARS, **limits: int):
    """Class decorator: every CharField without max_length gets `limits[name]` or `default`.

    The browser is not told (no maxlength attribute): a pasted answer that is too
    long stays in the box, and the error beside it says by how much.
    """

    def decorate(cls):
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                bound_field(field, limits.get(name, default))
        return cls

    return decorate(form_class) if form_class is not None else decorate
