"""Tracking numbers stay unique when many engagements are logged at the same moment."""

import threading

import pytest
from django.db import connection, connections

from engagements.models import Engagement
from engagements.services import engagement_log
from tests.engagements.helpers import LOG_FIELDS
from tests.factories import SiteFactory

# Real concurrency needs a server database: SQLite serialises all writers, so the
# race this test provokes cannot happen there. CI runs the suite on PostgreSQL.
pytestmark = [
    # serialized_rollback: rows from data migrations (seeded texts) come back after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (CI runs it)"
    ),
]


def test_concurrent_logging_gives_unique_sequential_numbers(liaison):
    import datetime

    site = SiteFactory(liaison=liaison)
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    numbers, errors = [], []

    def log_one():
        try:
            barrier.wait()  # start every INSERT at once, including the day's first
            engagement = engagement_log(
                site=site,
                actor=liaison,
                start_date=datetime.date(2025, 4, 1),
                end_date=datetime.date(2025, 4, 1),
                **LOG_FIELDS,
            )
            numbers.append(engagement.tracking_number)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log_one) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(numbers)) == threads_count
    sequences = sorted(int(number.split("-")[1]) for number in numbers)
    assert sequences == list(range(1, threads_count + 1))


def test_a_single_log_does_not_wait_for_an_import_in_progress(liaison):
    """The import inserts its rows in a long transaction; the day's counter is not
    locked meanwhile (the block was allocated and committed before), so a liaison
    logging one engagement is not held up. lock_timeout turns any wait into an error
    instead of timing the test."""
    import datetime

    from engagements.services import engagements_log_many

    site = SiteFactory(liaison=liaison)
    inserting, release = threading.Event(), threading.Event()
    outcome = {}

    def long_import():
        try:

            def hold(created):
                inserting.set()
                release.wait(30)  # the import's transaction stays open here

            rows = [
                {**LOG_FIELDS, "site": site, "start_date": datetime.date(2025, 4, 1),
                 "end_date": datetime.date(2025, 4, 1)}
                for _ in range(50)
            ]  # fmt: skip
            outcome["imported"] = len(engagements_log_many(rows=rows, actor=liaison, then=hold))
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome["import_error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_import)
    thread.start()
    try:
        assert inserting.wait(30), outcome
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            single = engagement_log(
                site=site,
                actor=liaison,
                start_date=datetime.date(2025, 4, 2),
                end_date=datetime.date(2025, 4, 2),
                **LOG_FIELDS,
            )
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        thread.join()
    assert outcome == {"imported": 50}
    numbers = set(Engagement.objects.values_list("tracking_number", flat=True))
    assert len(numbers) == 51 and single.tracking_number in numbers
