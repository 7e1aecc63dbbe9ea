"""CSV downloads of the portal's lists: one writer, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

# Spreadsheets run cells that start with these characters as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell's text; text a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers the portal computed (int, float, Decimal) are written as they are: "-16.5" cannot
    run as a formula, and an analyst's spreadsheet must read it as a number, not as text.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_download(name: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    """An attachment named psp-<name>-<today>.csv with `header` and one line per row."""
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="psp-{name}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for values in rows:
        writer.writerow([csv_cell(value) for value in values])
    return response
