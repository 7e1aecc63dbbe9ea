"""`make backup` / `make restore`: a backup restored into a fresh database has the same
row counts, and a PDF restored from it has the same SHA-256 (issue 15, item 8)."""

import hashlib
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from operations.backup import _pg_env_and_url
from reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def require_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI needs the backup test, but the database is not PostgreSQL")
        print("\nSkipping: backups need PostgreSQL (set DATABASE_URL)", file=sys.stderr)
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def fresh_database():
    require_postgres()
    name = f"psp_restore_{uuid.uuid4().hex[:10]}"
    settings_dict = {**connection.settings_dict, "NAME": name}
    env, url = _pg_env_and_url(settings_dict)
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", "-c", f"CREATE DATABASE {name}", admin_url], env=env, check=True)
    try:
        yield url
    finally:
        subprocess.run(
            ["psql", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin_url],
            env=env,
            check=True,
        )


def psql(url, sql):
    env, _ = _pg_env_and_url(connection.settings_dict)
    out = subprocess.run(
        ["psql", "-At", "-c", sql, url], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_pdf(
    program_admin, fresh_database, tmp_path
):
    from reports.services import report_request

    # A real PDF (the program report), rendered in-process and committed.
    report = report_request(
        kind="program_report",
        params={"cohort": None, "start": "2026-07-01", "end": "2026-09-30"},
        actor=program_admin,
    )
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    with report.file.open("rb") as fh:
        pdf_sha256 = hashlib.sha256(fh.read()).hexdigest()

    call_command("backup", "--dir", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("psp-") and folder.name.endswith("Z")
    assert {p.name for p in folder.iterdir()} >= {"database.dump", "manifest.json", "media"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["media_files"][report.file.name] == pdf_sha256

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore", str(folder), "--database-url", fresh_database, "--media-root",
        str(restored_media),
    )  # fmt: skip

    mismatched = {
        table: (count, int(psql(fresh_database, f'SELECT COUNT(*) FROM "{table}"')))
        for table, count in manifest["row_counts"].items()
    }
    mismatched = {t: c for t, c in mismatched.items() if c[0] != c[1]}
    assert mismatched == {}
    assert manifest["row_counts"]["reports_report"] >= 1
    assert manifest["row_counts"]["accounts_user"] >= 1
    restored_name = psql(fresh_database, f"SELECT file FROM reports_report WHERE id = {report.pk}")
    restored_pdf = (restored_media / restored_name).read_bytes()
    assert hashlib.sha256(restored_pdf).hexdigest() == pdf_sha256
    assert restored_pdf.startswith(b"%PDF")
    print(
        f"\nrestored {len(manifest['row_counts'])} tables, "
        f"{sum(manifest['row_counts'].values())} rows, PDF sha256 {pdf_sha256[:16]}... matches"
    )


def test_restore_refuses_a_database_that_is_not_empty(tmp_path, program_admin):
    require_postgres()
    call_command("backup", "--dir", str(tmp_path))
    (folder,) = tmp_path.iterdir()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(folder), "--media-root", str(tmp_path / "m"))
