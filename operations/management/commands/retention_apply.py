"""Apply the retention policy now (beat runs it nightly). See operations/retention.py."""

from django.core.management.base import BaseCommand

from operations.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Delete expired sessions, report files past RETENTION_REPORT_FILE_DAYS (rows kept, "
        "re-renderable), old import files and expired invitations."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing")

    def handle(self, *args, dry_run, **options):
        counts = retention_apply(dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb}: {counts['sessions']} expired sessions, {counts['report_files']} report "
            f"files, {counts['import_files']} import files, {counts['invitations']} expired "
            "invitations."
        )
