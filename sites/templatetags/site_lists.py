"""Cells of the long site lists (the site list, the program view), each as the generic
filter writes it at a fraction of the cost: per row, `{% url %}` (now `url_head`, from
the `links` library) and `|date` took more time than the rest of the row's cells
together (issue 20)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils.dates import MONTHS_3

register = template.Library()


@register.filter(expects_localtime=True)
def month_day_year(value) -> str:
    """`value|date:"M j, Y"` ("Mar 5, 2026"): the same text, without the generic
    format parser, for a date; anything else goes to the date filter."""
    if type(value) is datetime.date:
        # DateFormat's M, j and Y.
        return f"{MONTHS_3[value.month].title()} {value.day}, {value.year:04d}"
    return date_filter(value, "M j, Y")


ONE_DP = Decimal("0.1")


@register.filter
def hours(value) -> str:
    """`value|default:0|floatformat:"-1"` for a sum of hours: a whole number as "12",
    any other to one decimal ("12.5"; "12.04" reads "12.0", as floatformat writes it)."""
    if not value:
        return "0"
    if isinstance(value, Decimal) and value.is_finite():
        if value == value.to_integral_value():
            return str(int(value))
        return f"{value.quantize(ONE_DP, ROUND_HALF_UP):f}"
    return floatformat(value, "-1")
