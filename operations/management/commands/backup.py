"""`manage.py backup [--dir var/backups]`: pg_dump (custom format) and the media files
into one dated folder, with a manifest (row counts, file checksums). See operations/backup.py."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media files into one dated folder."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "var" / "backups"))

    def handle(self, *args, dir, **options):
        try:
            folder = backup_create(directory=Path(dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {folder}"))
