"""The CSV import as a background job: progress, result page, all or nothing, access,
and tracking numbers allocated as one block (issue 15, item 4)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements.import_jobs import import_job_create, import_job_run
from engagements.imports import COLUMNS
from engagements.models import Engagement, ImportJob, TrackingCounter
from engagements.services import tracking_number_next, tracking_numbers_allocate
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def csv_upload(site, rows=3, bad_line=None) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for n in range(rows):
        writer.writerow(
            {
                "site_id": site.pk, "title": f"Visit {n}", "type": "site_visit",
                "provider": "BJA", "start_date": "2025-01-02",
                "end_date": "2025-01-01" if n == bad_line else "2025-01-02",
                "delivery": "on_site", "status": "planned",
            }
        )  # fmt: skip
    return SimpleUploadedFile("visits.csv", out.getvalue().encode(), content_type="text/csv")


def test_an_upload_becomes_a_queued_job_run_after_commit(
    liaison, django_capture_on_commit_callbacks
):
    site = SiteFactory(liaison=liaison)
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_job_create(upload=csv_upload(site, rows=3), actor=liaison)
    assert job.status == ImportJob.Status.QUEUED and job.total_rows == 3
    assert not Engagement.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()  # the task, run in-process
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.created_count == 3 and job.percent == 100
    numbers = sorted(Engagement.objects.values_list("tracking_number", flat=True))
    assert len(set(numbers)) == 3
    assert all(e.history.get().history_user == liaison for e in Engagement.objects.all())


def test_a_bad_row_rejects_the_whole_file_and_lists_the_line(
    liaison, django_capture_on_commit_callbacks
):
    site = SiteFactory(liaison=liaison)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(upload=csv_upload(site, rows=5, bad_line=3), actor=liaison)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REJECTED
    assert job.row_errors == [{"line": 5, "reason": "end_date is before start_date"}]
    assert not Engagement.objects.exists()
    assert not TrackingCounter.objects.exists()  # no numbers spent on a rejected file


def test_a_job_delivered_twice_imports_once(liaison, django_capture_on_commit_callbacks):
    site = SiteFactory(liaison=liaison)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(upload=csv_upload(site, rows=4), actor=liaison)
    assert import_job_run(job_id=job.pk, task_id="again") is None
    assert Engagement.objects.count() == 4


def test_a_redelivered_task_takes_over_a_running_job(liaison):
    site = SiteFactory(liaison=liaison)
    job = import_job_create(upload=csv_upload(site, rows=2), actor=liaison)
    ImportJob.objects.filter(pk=job.pk).update(status="running", claim_task_id="t-1")
    assert import_job_run(job_id=job.pk, task_id="t-2") is None  # another message: no
    job = import_job_run(job_id=job.pk, task_id="t-1")  # its own message, redelivered
    assert job.status == ImportJob.Status.SUCCEEDED and Engagement.objects.count() == 2


def test_a_block_of_tracking_numbers_continues_the_days_sequence(liaison):
    first = tracking_number_next()
    block = tracking_numbers_allocate(count=3)
    after = tracking_number_next()
    values = [int(n.split("-")[1]) for n in [first, *block, after]]
    assert values == list(range(values[0], values[0] + 5))


def test_the_progress_page_and_its_status_for_the_uploader(
    client, liaison, django_capture_on_commit_callbacks
):
    site = SiteFactory(liaison=liaison)
    client.force_login(liaison)
    response = client.post(reverse("engagements:import"), {"file": csv_upload(site, rows=2)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("engagements:import_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "Waiting to start" in page
    status = client.get(reverse("engagements:import_job_status", args=[job.pk])).json()
    assert status == {
        "status": "queued", "status_label": "Waiting to start", "finished": False,
        "rows_checked": 0, "total_rows": 2, "percent": 0,
    }  # fmt: skip
    import_job_run(job_id=job.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 engagements" in page


def test_another_liaison_gets_404_and_a_program_admin_sees_it(
    client, liaison, program_admin, django_capture_on_commit_callbacks
):
    from accounts import roles
    from tests.conftest import make_staff

    site = SiteFactory(liaison=liaison)
    job = import_job_create(upload=csv_upload(site), actor=liaison)
    client.force_login(make_staff(roles.SITE_LIAISON))
    for name in ("engagements:import_job", "engagements:import_job_status"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    client.force_login(program_admin)
    assert client.get(reverse("engagements:import_job", args=[job.pk])).status_code == 200


def test_the_progress_page_runs_a_fixed_number_of_queries(
    client, liaison, django_assert_max_num_queries
):
    site = SiteFactory(liaison=liaison)
    job = import_job_create(upload=csv_upload(site, rows=50), actor=liaison)
    client.force_login(liaison)
    client.get(reverse("engagements:import_job", args=[job.pk]))
    with django_assert_max_num_queries(10):
        client.get(reverse("engagements:import_job", args=[job.pk]))


def test_a_job_queued_while_the_broker_was_down_is_published_by_the_sweeper(
    liaison, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from engagements.tasks import import_jobs_sweep_task

    site = SiteFactory(liaison=liaison)
    job = import_job_create(upload=csv_upload(site, rows=2), actor=liaison)  # message lost
    assert import_jobs_sweep_task.delay().get() == 0  # too recent to call lost
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    assert import_jobs_sweep_task.delay().get() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
