"""The retention policy: expired sessions, old report files (row kept, re-renderable),
old import files, expired invitations; run by beat and by a command."""

import secrets
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from applications.models import JurisdictionInvitation
from operations.retention import retention_apply
from reports.models import Report

pytestmark = pytest.mark.django_db


def ready_report(kind, age_days, actor=None):
    report = Report.objects.create(
        kind=kind, params={}, requested_by=actor, status=Report.Status.READY, page_count=2
    )
    report.file.save(f"reports/{report.pk}/{kind}.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    Report.objects.filter(pk=report.pk).update(
        finished_at=timezone.now() - timedelta(days=age_days)
    )
    report.refresh_from_db()
    return report


def invitation(applicant, *, expired, accepted=False):
    now = timezone.now()
    return JurisdictionInvitation.objects.create(
        jurisdiction=applicant.jurisdiction,
        email=f"{secrets.token_hex(4)}@example.gov",
        token=secrets.token_urlsafe(32),
        invited_by=applicant,
        expires_at=now - timedelta(days=1) if expired else now + timedelta(days=7),
        accepted_at=now - timedelta(days=2) if accepted else None,
        accepted_by=applicant if accepted else None,
    )


def test_retention_removes_what_has_expired_and_keeps_the_rest(applicant, settings):
    settings.RETENTION_REPORT_FILE_DAYS = 90
    old = ready_report("program_report", age_days=120)
    recent = ready_report("program_report", age_days=10)
    receipt = ready_report("soi_packet", age_days=400)
    old_name = old.file.name

    expired_session = SessionStore()
    expired_session.create()
    Session.objects.filter(session_key=expired_session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    live_session = SessionStore()
    live_session.create()

    stale_invite = invitation(applicant, expired=True)
    open_invite = invitation(applicant, expired=False)
    accepted_invite = invitation(applicant, expired=True, accepted=True)

    counts = retention_apply()

    assert counts == {"sessions": 1, "report_files": 1, "import_files": 0, "invitations": 1}
    old.refresh_from_db()
    assert old.status == Report.Status.EXPIRED and not old.file
    assert not old.file.storage.exists(old_name)  # the file itself is gone
    for kept in (recent, receipt):
        kept.refresh_from_db()
        assert kept.status == Report.Status.READY and kept.file.storage.exists(kept.file.name)
    assert list(Session.objects.values_list("session_key", flat=True)) == [live_session.session_key]
    remaining = set(JurisdictionInvitation.objects.values_list("pk", flat=True))
    assert remaining == {open_invite.pk, accepted_invite.pk}
    assert stale_invite.history.latest().history_type == "-"  # the deletion is audited


def test_an_expired_report_can_be_produced_again(program_admin, django_capture_on_commit_callbacks):
    from reports.services import report_rerun

    old = ready_report("program_report", age_days=200)
    Report.objects.filter(pk=old.pk).update(
        params={"cohort": None, "start": "2026-07-01", "end": "2026-09-30"}
    )
    retention_apply()
    old.refresh_from_db()
    assert old.status == Report.Status.EXPIRED
    with django_capture_on_commit_callbacks(execute=True):
        report_rerun(report=old, actor=program_admin)
    old.refresh_from_db()
    assert old.status == Report.Status.READY and old.file


def test_dry_run_counts_and_removes_nothing(applicant):
    old = ready_report("program_report", age_days=120)
    out = StringIO()
    call_command("retention_apply", "--dry-run", stdout=out)
    assert "Would remove" in out.getvalue() and "1 report files" in out.getvalue()
    old.refresh_from_db()
    assert old.status == Report.Status.READY


def test_retention_runs_nightly_on_beat_and_records_its_run(settings, applicant):
    from operations.models import JobRun
    from operations.tasks import retention_apply_task

    entry = settings.CELERY_BEAT_SCHEDULE["operations-retention"]
    assert entry["task"] == retention_apply_task.name
    ready_report("program_report", age_days=120)
    assert retention_apply_task.delay().get()["report_files"] == 1
    assert JobRun.objects.get(name="operations-retention").last_result["report_files"] == 1


def test_old_import_files_are_removed_and_the_job_kept(liaison):
    from engagements.models import ImportJob

    job = ImportJob.objects.create(
        uploaded_by=liaison, original_name="visits.csv", status="succeeded", created_count=3
    )
    job.file.save("import-old.csv", ContentFile(b"site_id,title\n"), save=True)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=45))
    name = job.file.name
    assert retention_apply()["import_files"] == 1
    job.refresh_from_db()
    assert not job.file and job.created_count == 3
    assert not job.file.storage.exists(name)


def test_the_worker_heartbeat_records_the_worker_and_the_job_run():
    from operations.models import JobRun, WorkerHeartbeat
    from operations.tasks import worker_heartbeat_task

    worker_heartbeat_task.delay()
    assert WorkerHeartbeat.objects.count() == 1
    assert JobRun.objects.get(name="operations-worker-heartbeat").last_outcome == "ok"
