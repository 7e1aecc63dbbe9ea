"""CSV import of annual figures (e.g. the FBI's published figures for many sites at once).

Every row is checked first; then all are written or none. Small files are run in
the request; larger ones in a Celery task, the OutcomeImport row holding the result
(status, per-row errors) for the page to show.
"""

import csv
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.models import Site

from .models import OFFENSE_FIELDS, OutcomeImport, OutcomeYear
from .services import OutcomeError, _check, outcome_enter

COLUMNS = ["site_id", "year", *OFFENSE_FIELDS, "population", "source", "note", "submit"]
REQUIRED = ("site_id", "year", *OFFENSE_FIELDS, "population", "source")
MAX_ROWS = 5000
SYNC_ROWS = 200  # above this the write runs in a Celery task

COLUMN_HELP = {
    "site_id": _("The site's number, shown on its page and in the CSV export."),
    "year": _("The calendar year, e.g. 2024."),
    "population": _("The population the figures were counted against."),
    "source": _("ucr_nibrs (FBI as published) or local (local records)."),
    "note": _("Optional."),
    "submit": _("yes to send the year to the liaison at once; empty to leave it for review."),
}


def template_csv() -> str:
    out = io.StringIO()
    csv.writer(out).writerow(COLUMNS)
    return out.getvalue()


def _count(value: str):
    value = (value or "").strip().replace(",", "")
    if not value:
        return None
    number = int(value)
    if number < 0:
        raise ValueError
    return number


SOURCE_WORDS = {
    "ucr_nibrs": OutcomeYear.Source.UCR_NIBRS,
    "ucr": OutcomeYear.Source.UCR_NIBRS,
    "nibrs": OutcomeYear.Source.UCR_NIBRS,
    "fbi": OutcomeYear.Source.UCR_NIBRS,
    "local": OutcomeYear.Source.LOCAL,
}


def _source(value: str) -> str | None:
    wanted = (value or "").strip().lower()
    for stored, label in OutcomeYear.Source.choices:
        if wanted == str(label).lower():
            return stored
    return SOURCE_WORDS.get(wanted)


def parse_rows(text: str, sites: dict[str, Site]) -> tuple[list[dict], list[dict]]:
    """(parsed rows, errors [{line, reason}])."""
    errors: list[dict] = []
    parsed: list[dict] = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [{"line": 1, "reason": _("Missing columns: %s.") % ", ".join(missing)}]
    reader.fieldnames = header
    seen: dict[tuple[str, int], int] = {}
    this_year = timezone.localdate().year
    line = reader.line_num
    for row in reader:
        first_line, line = line + 1, reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if len(parsed) >= MAX_ROWS:
            errors.append(
                {"line": first_line, "reason": _("More than %d rows; split the file.") % MAX_ROWS}
            )
            break
        if None in row:
            errors.append({"line": first_line, "reason": _("more values than columns")})
            continue
        reasons = []
        site = sites.get((row.get("site_id") or "").strip())
        if site is None:
            # The same reason whether the site does not exist or is out of scope.
            reasons.append(_("unknown site %s") % (row.get("site_id") or "").strip())
        try:
            year = int((row.get("year") or "").strip())
            if not 2000 <= year < this_year:
                raise ValueError
        except ValueError:
            year = None
            reasons.append(_("year %r must be a past calendar year") % row.get("year"))
        values: dict = {}
        for name in (*OFFENSE_FIELDS, "population"):
            try:
                values[name] = _count(row.get(name))
            except ValueError:
                values[name] = None
                reasons.append(
                    _("%(col)s %(val)r must be a whole number, 0 or more")
                    % {"col": name, "val": row.get(name)}
                )
        values["source"] = _source(row.get("source"))
        if not any("must be a whole number" in r for r in reasons):
            for field_name, message in _check(values).items():
                reasons.append(f"{field_name}: {message}")
        if site is not None and year is not None:
            key = (str(site.pk), year)
            if key in seen:
                reasons.append(
                    _("site %(site)s, %(year)s is also on line %(line)s")
                    % {"site": site.pk, "year": year, "line": seen[key]}
                )
            seen[key] = first_line
        for reason in reasons:
            errors.append({"line": first_line, "reason": reason})
        parsed.append(
            {
                "line": first_line,
                "site": site,
                "year": year,
                "note": (row.get("note") or "").strip(),
                "submit": (row.get("submit") or "").strip().lower() in ("yes", "y", "true", "1"),
                **values,
            }
        )
    if not parsed and not errors:
        errors.append({"line": 2, "reason": _("The file has no rows.")})
    return parsed, errors


def outcome_import_create(*, file, actor) -> OutcomeImport:
    """Store an uploaded CSV and run it now (small) or in a task (large), after commit."""
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return OutcomeImport.objects.create(
            content="",
            file_name=getattr(file, "name", "")[:200],
            created_by=actor,
            status=OutcomeImport.Status.REJECTED,
            errors=[{"line": 1, "reason": _("The file is not UTF-8 text; save it as CSV UTF-8.")}],
            finished_at=timezone.now(),
        )
    rows = max(text.count("\n") - 1, 0)
    job = OutcomeImport.objects.create(
        content=text, file_name=getattr(file, "name", "")[:200], row_count=rows, created_by=actor
    )
    if rows <= SYNC_ROWS:
        outcome_import_run(import_id=job.pk)
        job.refresh_from_db()
    else:
        from .tasks import outcome_import_task

        # After commit: the worker must find the stored file.
        transaction.on_commit(lambda: outcome_import_task.delay(job.pk))
    return job


def outcome_import_run(*, import_id: int) -> OutcomeImport:
    """Check every row, then write all of them or none; safe to run twice."""
    from .access import can_manage_outcomes

    job = OutcomeImport.objects.select_related("created_by").get(pk=import_id)
    if job.status != OutcomeImport.Status.QUEUED:
        return job  # a redelivered task: already done
    actor = job.created_by
    sites = {}
    if actor is not None and can_manage_outcomes(actor):
        sites = {str(site.pk): site for site in Site.objects.select_related("jurisdiction")}
    parsed, errors = parse_rows(job.content, sites)
    written = 0
    if not errors:
        try:
            # All or nothing: one transaction around every row.
            with transaction.atomic():
                for data in parsed:
                    line = data.pop("line")
                    try:
                        outcome_enter(actor=actor, origin=OutcomeYear.Origin.IMPORTED, **data)
                    except OutcomeError as exc:
                        detail = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
                        errors.append({"line": line, "reason": f"{exc} {detail}".strip()})
                    else:
                        written += 1
                if errors:
                    raise _Rollback
        except _Rollback:
            written = 0
    job.errors = errors
    job.written = written
    job.status = OutcomeImport.Status.REJECTED if errors else OutcomeImport.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["errors", "written", "status", "finished_at"])
    return job


class _Rollback(Exception):
    """Raised inside the import's transaction to undo every row written."""
