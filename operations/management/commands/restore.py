"""`manage.py restore <folder> [--database-url URL] [--media-root DIR] [--force]`:
load a backup folder into a database (default: DATABASE_URL; create it first) and
copy its media files back. See operations/backup.py."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", help="Restore here instead of DATABASE_URL")
        parser.add_argument("--media-root", help="Copy media here instead of MEDIA_ROOT")
        parser.add_argument("--force", action="store_true", help="Replace a non-empty database")

    def handle(self, *args, folder, database_url, media_root, force, **options):
        target = (
            {**dj_database_url.parse(database_url)}
            if database_url
            else dict(connection.settings_dict)
        )
        try:
            result = backup_restore(
                folder=Path(folder),
                settings_dict=target,
                media_root=Path(media_root or settings.MEDIA_ROOT),
                force=force,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = result["manifest"]["row_counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {Path(folder).name} into {target['NAME']}: {len(counts)} tables, "
                f"{sum(counts.values())} rows, {result['media_files']} media files."
            )
        )
