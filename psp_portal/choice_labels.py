"""get_FOO_display() without rebuilding a field's choices on every call.

Django's Model._get_FIELD_display builds `dict(make_hashable(field.flatchoices))` on
each call, and hashing each lazy label translates it: a site list row asking for its
USAO district (94 choices), phase and engagement level translated about 110 labels,
and that per row was a fifth of the page (issue 20). The mixin keeps the dict per
field. The labels in it stay lazy, so each call still returns the active language's.
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _choice_labels(field) -> dict:
    labels = field.__dict__.get("_choice_labels")
    if labels is None:
        labels = dict(make_hashable(field.flatchoices))
        # Choices given as a callable may change between calls: only a fixed list is kept.
        if isinstance(field.choices, list | tuple):
            field.__dict__["_choice_labels"] = labels
    return labels


class ChoiceLabelsMixin:
    """For models listed on busy pages; put it before models.Model in the bases."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        # As Django does: force_str() coerces the lazy label; unknown values show as is.
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)
