"""`?format=csv` for the lists whose pages have a CSV button (sites, engagements, SOIs,
outcomes)."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from exports.csv import csv_cell


def _flat(value) -> str:
    if isinstance(value, list):
        return ";".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("id", "")) if "id" in value else ""
    if value is None:
        return ""
    return str(value)


def _cell(value) -> str:
    # Lists and nested objects flatten to text; the rest goes to the pages' CSV cell
    # (exports.csv): numbers stay numbers, text gets the formula-injection guard.
    return csv_cell(_flat(value) if isinstance(value, list | dict) else value)


class CSVRenderer(BaseRenderer):
    """Rows are the JSON results, same field names; lists join with ';'."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, list):
            rows = data
        elif "results" in data:
            rows = data["results"]
        else:
            rows = [data]  # one object
        out = io.StringIO()
        writer = csv.writer(out)
        view = (renderer_context or {}).get("view")
        if rows:
            header = list(rows[0].keys())
        elif view is not None:
            header = list(view.get_serializer().fields)  # an empty list still has its header
        else:
            header = []
        if header:
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(row[key]) for key in header])
        return out.getvalue().encode(self.charset)
