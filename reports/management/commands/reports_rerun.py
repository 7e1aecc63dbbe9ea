"""Queue failed (or expired) reports again, chosen by filters. For operators.

manage.py reports_rerun --id 42 --id 43
manage.py reports_rerun --kind soi_packet --failed-since 2026-12-01 --dry-run
manage.py reports_rerun --error-contains PermissionError
manage.py reports_rerun --status expired --kind site_engagement --limit 50
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.models import Report
from reports.services import RERUNNABLE, RerunNotAllowed, report_rerun


class Command(BaseCommand):
    help = "Queue failed (or expired) reports again. Filters combine; --dry-run lists only."

    def add_arguments(self, parser):
        parser.add_argument("--id", type=int, action="append", dest="ids", help="A report id")
        parser.add_argument("--kind", action="append", dest="kinds", help="A report kind slug")
        parser.add_argument(
            "--status",
            choices=[str(s) for s in RERUNNABLE],
            default=str(Report.Status.FAILED),
            help="Which finished reports to pick (default: failed)",
        )
        parser.add_argument(
            "--failed-since",
            type=datetime.date.fromisoformat,
            help="Only reports finished on or after this date (YYYY-MM-DD, Eastern)",
        )
        parser.add_argument("--error-contains", help="Only reports whose error contains this")
        parser.add_argument("--limit", type=int, default=500, help="At most this many (500)")
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing")

    def handle(self, *args, ids, kinds, status, failed_since, error_contains, limit, dry_run, **kw):
        if not (ids or kinds or failed_since or error_contains):
            raise CommandError(
                "Give at least one filter (--id, --kind, --failed-since, --error-contains); "
                "re-running every failed report at once is rarely what is meant."
            )
        reports = Report.objects.filter(status=status).order_by("finished_at", "pk")
        if ids:
            reports = reports.filter(pk__in=ids)
        if kinds:
            reports = reports.filter(kind__in=kinds)
        if failed_since:
            start = timezone.make_aware(datetime.datetime.combine(failed_since, datetime.time()))
            reports = reports.filter(finished_at__gte=start)
        if error_contains:
            reports = reports.filter(error__icontains=error_contains)
        chosen = list(reports[:limit])
        queued = 0
        for report in chosen:
            line = f"{report.pk}\t{report.kind}\t{report.status}\t{report.error[:80]}"
            if dry_run:
                self.stdout.write(f"would re-run {line}")
                continue
            try:
                report_rerun(report=report, actor=None)
            except RerunNotAllowed as exc:  # changed since it was listed
                self.stderr.write(f"skipped {report.pk}: {exc}")
                continue
            queued += 1
            self.stdout.write(f"re-run {line}")
        verb = "would re-run" if dry_run else "re-ran"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {len(chosen) if dry_run else queued} report(s)")
        )
