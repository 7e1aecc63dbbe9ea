"""Filters for the PDF templates: numbers a reader can scan, no "None" on paper."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

NOT_PROVIDED = "Not provided"


@register.filter
def num(value, places=None):
    """180000 -> "180,000"; 12.50 -> "12.5"; None or "" -> "" (a blank cell, not "None")."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value  # not a number: print it as it is
    if number == number.to_integral_value():
        return f"{int(number):,}"
    digits = int(places) if places is not None else 2
    return f"{number:,.{digits}f}".rstrip("0").rstrip(".")


@register.filter
def fixed(value, places=1):
    """A figure with exactly `places` decimals: 800 -> "800.0", 1000 -> "1,000.0".

    For a column of rates "rounded to one decimal", so every row reads alike; `num` drops
    trailing zeros, which suits counts and hours but makes "800" look unrounded.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return f"{number:,.{int(places)}f}"


@register.filter
def provided(value):
    """An optional value the applicant left empty prints as "Not provided"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_PROVIDED
    return value
