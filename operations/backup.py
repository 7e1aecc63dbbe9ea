"""Backup and restore: one dated folder holds everything needed to rebuild the portal.

    var/backups/psp-20261201T134800Z/
        database.dump     pg_dump --format=custom (restore with pg_restore)
        media/            a copy of MEDIA_ROOT (uploads, PDFs, import files), or, with
        media-listing.txt object storage, the bucket's listing (the bucket keeps its
                          own versions; back it up with the provider's tools)
        manifest.json     when, what: row counts per table, SHA-256 of every media file

`make backup` / `make restore BACKUP=<folder>` call the commands below. Restore
writes into the database named by DATABASE_URL (or --database-url): create a fresh
one first; restoring over a live database is refused unless --force.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


class BackupError(Exception):
    pass


def _pg_env_and_url(settings_dict) -> tuple[dict, str]:
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (pg_dump); this database is not.")
    user = quote(settings_dict.get("USER") or "", safe="")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]  # never on the command line
    auth = f"{user}@" if user else ""
    return env, f"postgresql://{auth}{host}:{port}/{settings_dict['NAME']}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_row_counts(cursor) -> dict[str, int]:
    from django.apps import apps

    counts = {}
    tables = set(connection.introspection.table_names(cursor))
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and table not in counts:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from models
            counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def backup_create(*, directory: Path, now: datetime.datetime | None = None) -> Path:
    """Write a dated backup folder under `directory`; return its path."""
    now = now or datetime.datetime.now(datetime.UTC)
    folder = Path(directory) / f"psp-{now:%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True, exist_ok=False)
    env, url = _pg_env_and_url(connection.settings_dict)
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.dump"), url],
        env=env,
        check=True,
        capture_output=True,
    )
    with connection.cursor() as cursor:
        counts = table_row_counts(cursor)
    media_root = Path(
        settings.STORAGES["default"].get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
    )
    files = {}
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        if media_root.exists():
            shutil.copytree(media_root, folder / "media")
        for path in sorted((folder / "media").rglob("*")) if (folder / "media").exists() else []:
            if path.is_file():
                files[str(path.relative_to(folder / "media"))] = sha256_of(path)
    else:
        (folder / "media-listing.txt").write_text(_bucket_listing())
    manifest = {
        "created_at": now.isoformat(),
        "database": connection.settings_dict["NAME"],
        "last_migration": MigrationRecorder.Migration.objects.order_by("-id")
        .values_list("app", "name")
        .first(),
        "row_counts": counts,
        "media_files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    return folder


def _bucket_listing() -> str:
    from django.core.files.storage import default_storage

    lines = []

    def walk(prefix):
        dirs, names = default_storage.listdir(prefix)
        for name in names:
            path = f"{prefix}{name}"
            lines.append(f"{path}\t{default_storage.size(path)}")
        for sub in dirs:
            walk(f"{prefix}{sub}/")

    walk("")
    return "\n".join(lines) + "\n"


def backup_restore(
    *, folder: Path, settings_dict: dict, media_root: Path | None, force: bool = False
) -> dict:
    """Load a backup folder into the database `settings_dict` names, and its media files."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    env, url = _pg_env_and_url(settings_dict)
    check = subprocess.run(
        ["psql", "-At", "-c", "SELECT count(*) FROM information_schema.tables "
         "WHERE table_schema = 'public'", url],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    if int(check.stdout.strip() or 0) and not force:
        raise BackupError(
            f"The database {settings_dict['NAME']} is not empty; restore into a fresh one "
            "(createdb) or pass --force to replace its tables."
        )
    subprocess.run(
        ["pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error",
         "--dbname", url, str(folder / "database.dump")],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    restored_files = 0
    if media_root is not None and (folder / "media").exists():
        shutil.copytree(folder / "media", media_root, dirs_exist_ok=True)
        restored_files = sum(1 for p in Path(media_root).rglob("*") if p.is_file())
    return {"manifest": manifest, "media_files": restored_files}
