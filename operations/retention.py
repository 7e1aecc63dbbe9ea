"""The retention policy (README, "Retention"), applied nightly by celery beat and by
`manage.py retention_apply`:

- expired sessions are deleted (as `clearsessions` does);
- generated report files older than RETENTION_REPORT_FILE_DAYS (90) are deleted;
  the row stays, marked "expired", and can be produced again (reports_rerun, or the
  button on the report page). Receipts (kinds the system must deliver) keep their
  file: the applicant cannot ask for one again;
- uploaded CSV files of finished imports older than RETENTION_IMPORT_FILE_DAYS (30)
  are deleted; the job row (counts, problems by line) stays;
- colleague invitations past their expiry and never accepted are deleted (their
  history row records the deletion); accepted ones stay as the record of who joined.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

REPORT_FILE_DAYS_DEFAULT = 90
IMPORT_FILE_DAYS_DEFAULT = 30


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=getattr(settings, name, default))


def retention_apply(*, now=None, dry_run: bool = False) -> dict[str, int]:
    """Remove what the policy says has expired; the counts of what was (or would be) removed."""
    from applications.models import JurisdictionInvitation
    from engagements.models import ImportJob
    from reports.kinds import UnknownReportKind, get_kind
    from reports.models import Report

    now = now or timezone.now()
    counts = {"sessions": 0, "report_files": 0, "import_files": 0, "invitations": 0}

    sessions = Session.objects.filter(expire_date__lt=now)
    counts["sessions"] = sessions.count() if dry_run else sessions.delete()[0]

    old_reports = Report.objects.filter(
        status=Report.Status.READY,
        finished_at__lt=now - _days("RETENTION_REPORT_FILE_DAYS", REPORT_FILE_DAYS_DEFAULT),
    ).exclude(file="")
    for report in old_reports.only("pk", "kind", "file", "finished_at"):
        try:
            if get_kind(report.kind).rerun_until_ready:
                continue  # a receipt: nobody could ask for it again
        except UnknownReportKind:
            pass
        counts["report_files"] += 1
        if dry_run:
            continue
        name = report.file.name
        with transaction.atomic():
            # Conditional: a report re-rendered meanwhile (new finished_at) keeps its file.
            expired = Report.objects.filter(
                pk=report.pk, status=Report.Status.READY, finished_at=report.finished_at
            ).update(status=Report.Status.EXPIRED, file="", page_count=None, size_bytes=None)
        if expired:
            report.file.storage.delete(name)

    old_imports = ImportJob.objects.filter(
        status__in=ImportJob.FINISHED,
        finished_at__lt=now - _days("RETENTION_IMPORT_FILE_DAYS", IMPORT_FILE_DAYS_DEFAULT),
    ).exclude(file="")
    for job in old_imports.only("pk", "file"):
        counts["import_files"] += 1
        if not dry_run:
            name = job.file.name
            ImportJob.objects.filter(pk=job.pk).update(file="")
            job.file.storage.delete(name)

    invitations = JurisdictionInvitation.objects.filter(expires_at__lt=now, accepted_at=None)
    for invitation in invitations:
        counts["invitations"] += 1
        if not dry_run:
            invitation.delete()  # simple_history writes the "-" (deleted) row

    logger.info(
        "Retention %s: %s",
        "dry run" if dry_run else "applied",
        counts,
        extra={"event": "retention", **counts},
    )
    return counts
