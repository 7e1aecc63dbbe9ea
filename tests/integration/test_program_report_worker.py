"""The quarterly program report, produced end to end by a real Celery worker over Redis."""

import datetime
import io
import time

import pytest
from pypdf import PdfReader

from reports.models import Report
from reports.schedule import program_report_schedule_quarterly
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_worker_renders_the_scheduled_program_report(
    celery_worker, publish_to_redis, settings, worker_media_root
):
    _process, output = celery_worker
    settings.STORAGES = {  # read the PDF where the worker stored it
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(worker_media_root), "base_url": None},
        },
    }
    site = SiteFactory(jurisdiction=JurisdictionFactory(name="City of Workerton"))
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(2026, 8, 3))

    report = program_report_schedule_quarterly(today=datetime.date(2026, 10, 1))
    assert program_report_schedule_quarterly(today=datetime.date(2026, 10, 1)) is None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            break
        time.sleep(0.25)
    assert report.status == Report.Status.READY, f"{report.error}\n{output()}"
    assert report.notified_at is not None  # on_ready (the admins' mail) ran in the worker
    with report.file.open("rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "City of Workerton" in text
    assert "July 1, 2026 to September 30, 2026" in text
    assert Report.objects.filter(kind="program_report").count() == 1
