"""CSV downloads of the portal's lists: one writer, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

# Spreadsheets run cells that start with these characters as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
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
