"""The staff operations page: program admins see stuck work; nobody else does."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import ImportJob
from operations.models import JobRun, WorkerHeartbeat
from reports.models import Report

pytestmark = pytest.mark.django_db

URL = "/staff/operations/"


def make_work(actor, n=1):
    now = timezone.now()
    for i in range(n):
        Report.objects.create(kind="program_report", params={}, status="queued")
        Report.objects.create(
            kind="program_report",
            params={},
            status="rendering",
            started_at=now,
            claim_worker=f"host-{i}:4242",
        )
        Report.objects.create(
            kind="soi_packet",
            params={},
            status="failed",
            attempts=5,
            finished_at=now,
            error=f"PermissionError: [Errno 13] Permission denied: 'media/{i}'",
            next_attempt_at=now + timedelta(minutes=5),
        )
        ImportJob.objects.create(
            uploaded_by=actor, original_name=f"visits-{i}.csv", status="rejected", total_rows=9
        )
    JobRun.objects.update_or_create(
        name="reports-sweep-stale",
        defaults={"last_started_at": now, "last_success_at": now, "last_outcome": "ok"},
    )
    WorkerHeartbeat.objects.update_or_create(
        worker="celery@worker-1", defaults={"last_seen_at": now}
    )


def test_a_program_admin_sees_queued_rendering_failed_imports_jobs_and_workers(
    client, program_admin
):
    make_work(program_admin)
    client.force_login(program_admin)
    response = client.get(reverse("operations:page"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("operations:page") == URL
    assert "1 queued, 1 being produced, 1 failed" in page
    assert "host-0:4242" in page
    assert "Permission denied" in page and "ET" in page  # error and next try
    assert "visits-0.csv" in page and "Nothing imported: rows need fixing" in page
    for name in (
        "reports-sweep-stale",
        "reports-program-report-quarterly",
        "operations-retention",
    ):
        assert name in page
    assert "celery@worker-1" in page
    # The sweeper's next run is estimated from its last; the nightly job never ran.
    assert "At beat&#x27;s next tick" in page or "At beat's next tick" in page


@pytest.mark.parametrize("role", ["applicant", "reviewer", "selecting_official", "liaison"])
def test_other_roles_are_refused(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_runs_a_fixed_number_of_queries(
    client, program_admin, django_assert_max_num_queries
):
    make_work(program_admin, n=1)
    client.force_login(program_admin)
    client.get(URL)
    with django_assert_max_num_queries(14) as few:
        client.get(URL)
    make_work(program_admin, n=15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)
