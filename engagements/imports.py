"""CSV import of engagements: every row is checked first, then all are saved or none."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from program.focus_areas import FocusArea

from .access import sites_loggable_by
from .models import Engagement
from .services import engagements_log_many

COLUMNS = [
    "site_id", "title", "type", "focus_areas", "provider", "start_date", "end_date",
    "delivery", "hours", "participants", "agencies_represented", "target_audience",
    "status", "summary", "outcomes", "milestones",
]  # fmt: skip
REQUIRED = ("site_id", "title", "type", "provider", "start_date", "end_date", "delivery", "status")
MAX_ROWS = 2000
PROGRESS_EVERY = 100

COLUMN_HELP = {
    "site_id": "The site's number, shown on its page.",
    "type": "One of: " + ", ".join(Engagement.Type.values),
    "focus_areas": "Separated by semicolons; one of: " + ", ".join(FocusArea.values),
    "start_date": "YYYY-MM-DD, not before the site began",
    "end_date": "YYYY-MM-DD, not before the start date",
    "delivery": "One of: " + ", ".join(Engagement.Delivery.values),
    "hours": "A number, 0 or more (required when delivered)",
    "participants": "A whole number, 0 or more (required when delivered)",
    "agencies_represented": "A whole number, 0 or more",
    "status": "planned or delivered",
}


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def template_csv() -> str:
    out = io.StringIO()
    csv.writer(out).writerow(COLUMNS)
    return out.getvalue()


def _choice(value: str, choices) -> str | None:
    """Accept the stored value or the label, in any case."""
    wanted = value.strip().lower()
    for stored, label in choices:
        if wanted in (str(stored).lower(), str(label).lower()):
            return stored
    return None


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value.strip())


def _count(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    number = int(value)
    if number < 0:
        raise ValueError
    return number


def parse_row(row: dict, sites: dict) -> tuple[dict, list[str]]:
    """The service's keyword arguments for one row, and the reasons it is wrong."""
    reasons = []
    data: dict = {}
    for name in REQUIRED:
        if not (row.get(name) or "").strip():
            reasons.append(_("%s is required") % name)
    if reasons:
        return data, reasons

    site_id = row["site_id"].strip()
    site = sites.get(site_id)
    if site is None:
        # The same reason whether the site does not exist or is someone else's.
        reasons.append(_("unknown site %s") % site_id)
    data["site"] = site
    data["title"] = row["title"].strip()[:200]
    data["provider"] = row["provider"].strip()[:150]
    for name in ("target_audience", "summary", "outcomes", "milestones"):
        data[name] = (row.get(name) or "").strip()

    for name, choices in (
        ("type", Engagement.Type.choices),
        ("delivery", Engagement.Delivery.choices),
    ):
        value = _choice(row[name], choices)
        if value is None:
            reasons.append(
                _("%(col)s %(val)r is not one of the allowed values")
                % {"col": name, "val": row[name]}
            )
        data[name] = value
    status = _choice(row["status"], [c for c in Engagement.Status.choices if c[0] != "cancelled"])
    if status is None:
        reasons.append(_("status %r must be planned or delivered") % row["status"])
    data["status"] = status

    areas = []
    for part in (row.get("focus_areas") or "").split(";"):
        if part.strip():
            value = _choice(part, FocusArea.choices)
            if value is None:
                reasons.append(_("focus area %r is not a PSP focus area") % part.strip())
            else:
                areas.append(value)
    data["focus_areas"] = areas

    for name in ("start_date", "end_date"):
        try:
            data[name] = _date(row[name])
        except ValueError:
            reasons.append(
                _("%(col)s %(val)r is not a date (YYYY-MM-DD)") % {"col": name, "val": row[name]}
            )
    if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
        reasons.append(_("end_date is before start_date"))
    if site is not None and data.get("start_date") and data["start_date"] < site.start_date:
        # No engagement can predate the site it was delivered to.
        reasons.append(
            _("start_date %(date)s is before site %(site)s began on %(began)s")
            % {"date": data["start_date"].isoformat(), "site": site_id,
               "began": site.start_date.isoformat()}
        )  # fmt: skip

    hours = (row.get("hours") or "").strip()
    data["hours"] = None
    if hours:
        try:
            data["hours"] = Decimal(hours).quantize(Decimal("0.1"))
            if data["hours"] < 0 or not data["hours"].is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            reasons.append(_("hours %r must be a number, 0 or more") % hours)
    for name in ("participants", "agencies_represented"):
        try:
            data[name] = _count(row.get(name) or "")
        except ValueError:
            reasons.append(
                _("%(col)s %(val)r must be a whole number, 0 or more")
                % {"col": name, "val": row.get(name)}
            )
    if status == Engagement.Status.DELIVERED:
        if data.get("start_date") and data["start_date"] > timezone.localdate():
            reasons.append(_("a delivered engagement cannot start in the future"))
        for name in ("hours", "participants"):
            if not (row.get(name) or "").strip():
                reasons.append(_("%s is required for a delivered engagement") % name)
    return data, reasons


def engagements_import(*, file, actor, progress=None, then=None) -> ImportResult:
    """Validate every row of the CSV; save all of them only if none is wrong.

    `progress(rows_checked)` is called every PROGRESS_EVERY rows (the background
    job shows it as a progress bar); `then(created)` runs inside the insert's
    transaction.
    """
    result = ImportResult()
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(RowError(1, _("The file is not UTF-8 text; save it as CSV UTF-8.")))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        result.errors.append(RowError(1, _("Missing columns: %s.") % ", ".join(missing)))
        return result
    reader.fieldnames = header

    # One query for every site the actor may log for, keyed by its id as text.
    sites = {str(site.pk): site for site in sites_loggable_by(actor).select_related("jurisdiction")}
    parsed = []
    line = reader.line_num
    for row in reader:
        first_line, line = line + 1, reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # blank lines are harmless
        if len(parsed) >= MAX_ROWS:
            result.errors.append(
                RowError(first_line, _("More than %d rows; split the file.") % MAX_ROWS)
            )
            break
        if None in row:
            result.errors.append(RowError(first_line, _("more values than columns")))
            continue
        data, reasons = parse_row(row, sites)
        for reason in reasons:
            result.errors.append(RowError(first_line, reason))
        parsed.append(data)
        if progress is not None and len(parsed) % PROGRESS_EVERY == 0:
            progress(len(parsed))
    if not parsed and not result.errors:
        result.errors.append(RowError(2, _("The file has no rows.")))
    if result.errors:
        return result
    # All or nothing: one bulk insert in one transaction; the tracking numbers come
    # as one block allocated just before it (no day lock held across the import).
    result.created = engagements_log_many(rows=parsed, actor=actor, then=then)
    return result


def count_rows(text: str) -> int:
    """Rows in the file, roughly (lines after the header), for the progress bar."""
    return max(0, sum(1 for line in text.splitlines()[1:] if line.strip()))
