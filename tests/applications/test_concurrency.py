"""Double submit from two tabs: the row lock lets exactly one through (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from applications.models import Application, ReferenceSequence
from applications.services import TransitionNotAllowed, application_submit
from reports.models import Report
from tests.factories import ApplicantFactory, ApplicationFactory

pytestmark = [
    # serialized_rollback: rows from data migrations (seeded texts) come back after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no SELECT ... FOR UPDATE row locks (CI runs PostgreSQL)",
    ),
]


def _race(worker, count):
    barrier = threading.Barrier(count)
    results = []

    def run(i):
        try:
            barrier.wait()
            results.append(("ok", worker(i)))
        except TransitionNotAllowed as exc:
            results.append(("refused", str(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_double_submit_gives_one_submission():
    applicant = ApplicantFactory()
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction)
    application = ApplicationFactory(
        jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )
    actors = [applicant, colleague, applicant, colleague]

    results = _race(
        lambda i: (
            application_submit(
                application=application, actor=actors[i], ip="203.0.113.1", attested=True
            ).reference_number
        ),
        len(actors),
    )
    print(f"concurrent submits: {len(results)}, results: {sorted(r[0] for r in results)}")
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused", "refused"]
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.reference_number == "PSP-2026-0001"
    assert ReferenceSequence.objects.get(year=2026).last == 1
    assert Report.objects.filter(kind="soi_packet").count() == 1


def test_concurrent_submits_of_different_sois_get_distinct_numbers():
    applications = []
    for _ in range(4):
        applicant = ApplicantFactory()
        applications.append(
            (
                ApplicationFactory(
                    jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
                ),
                applicant,
            )
        )
    results = _race(
        lambda i: (
            application_submit(
                application=applications[i][0], actor=applications[i][1], ip=None, attested=True
            ).reference_number
        ),
        len(applications),
    )
    numbers = sorted(r[1] for r in results if r[0] == "ok")
    print(f"distinct reference numbers: {numbers}")
    assert numbers == [f"PSP-2026-{n:04d}" for n in range(1, 5)]
