"""What the engagement report kinds share: date parameters and the date widget."""

import datetime

from django import forms

# Longest range a report covers (keeps the by-month chart readable).
MAX_RANGE_DAYS = 5 * 366
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def date_param(value) -> datetime.date:
    """A date from report params (stored as ISO text) or from a database row."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of each month from `first`'s month to `last`'s, in order."""
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months
