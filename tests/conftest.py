"""The cast (healthchecks style): one fixture per role, staff enrolled in MFA."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts import roles
from tests.factories import ApplicantFactory, UserFactory


def make_staff(*role_names, **kwargs):
    user = UserFactory(roles=list(role_names), is_staff=roles.PROGRAM_ADMIN in role_names, **kwargs)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


# Tables that migrations leave empty. Rows in any of them at session start mean a
# reused test database was left dirty (an interrupted run never restored it).
TABLES_EMPTY_AFTER_MIGRATE = (
    "accounts_user",
    "applications_application",
    "sites_site",
    "engagements_engagement",
    "reports_report",
)


def rows_left(cursor) -> bool:
    """Whether any table that migrations leave empty holds a row."""
    cursor.execute(
        " UNION ALL ".join(
            f"SELECT 1 FROM (SELECT 1 FROM {table} LIMIT 1) AS t{i}"
            for i, table in enumerate(TABLES_EMPTY_AFTER_MIGRATE)
        )
    )
    return cursor.fetchone() is not None


def reused_database_is_dirty() -> bool:
    """Whether the test database that --reuse-db would keep holds rows a test left.

    Checked over a connection of its own, before pytest-django sets the database up:
    Django's serialized_rollback would otherwise snapshot the leftovers as if
    migrations had made them and put them back after every transactional test.
    """
    from django.db import connection

    test_name = connection.creation._get_test_db_name()
    try:
        if connection.vendor == "postgresql":
            import psycopg2

            params = connection.get_connection_params()
            params.pop("database", None)
            params["dbname"] = test_name
            with psycopg2.connect(**params) as raw, raw.cursor() as cursor:
                return rows_left(cursor)
        if connection.vendor == "sqlite" and not connection.is_in_memory_db(test_name):
            import sqlite3

            with sqlite3.connect(f"file:{test_name}?mode=ro", uri=True) as raw:
                return rows_left(raw.cursor())
    except Exception:  # noqa: BLE001 - no database or no table yet: creation will make it
        return False
    return False


@pytest.fixture(scope="session")
def django_db_createdb(request):
    """Create the test database afresh when asked (--create-db) or when the reused one is
    dirty, so a run always starts from exactly what migrations make."""
    if request.config.getvalue("create_db"):
        return True
    if request.config.getvalue("reuse_db") and reused_database_is_dirty():
        print("\nThe reused test database holds rows from an earlier run: creating it afresh.")
        return True
    return False


@pytest.fixture(scope="session", autouse=True)
def _restore_migrated_data_at_end(django_db_setup, django_db_blocker):
    """Leave the test database as migrations made it, for the next --reuse-db run.

    Depends on django_db_setup so it runs while the test database is still the one
    connected (after its teardown the connection points at the real database).

    A transactional test with serialized_rollback ends by emptying every table
    (role groups, seeded texts, even permissions); the data is put back only at
    the start of the next such test, so after the last one it is gone.
    """
    yield
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if not contents:
        return
    from django.core.management import call_command

    with django_db_blocker.unblock():
        # reset_sequences=False, as TransactionTestCase does: restored rows keep their ids
        # and new rows must not be handed the same ones.
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            inhibit_post_migrate=True,
            reset_sequences=False,
        )
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in the cache: start each test clean.
    So do screening summaries (their own cache), whose SOI ids repeat between tests, and
    what is kept under change tokens (year totals, the Outcomes page's program), whose
    rows tests roll back."""
    from django.core.cache import cache, caches

    from engagements import year_totals
    from outcomes import program_token

    cache.clear()
    caches["screening"].clear()
    year_totals.ENGAGEMENTS.forget()
    program_token.OUTCOME_INPUTS.forget()
    yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores uploads and PDFs in its own directory.

    Primary keys repeat between tests (rolled-back transactions), so a shared
    media directory would let one test see another's files under the same path.
    """
    location = str(tmp_path / "media")
    settings.MEDIA_ROOT = location
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }


@pytest.fixture
def letter_signatory(db):
    """The letter signatory a program admin configures; letters are not released without it."""
    from reports.models import ReportSettings

    ReportSettings.objects.update_or_create(
        pk=1,
        defaults={
            "signatory_name": "Karen L. Friedman",
            "signatory_title": "Director, Bureau of Justice Assistance",
        },
    )
    return ReportSettings.load()


@pytest.fixture
def applicant(db):
    return ApplicantFactory()


@pytest.fixture
def other_applicant(db):
    """An applicant of another jurisdiction."""
    return ApplicantFactory()


@pytest.fixture
def reviewer(db):
    return make_staff(roles.REVIEWER)


@pytest.fixture
def staff(reviewer):
    return reviewer


@pytest.fixture
def selecting_official(db):
    return make_staff(roles.SELECTING_OFFICIAL)


@pytest.fixture
def liaison(db):
    return make_staff(roles.SITE_LIAISON)


@pytest.fixture
def program_admin(db):
    return make_staff(roles.PROGRAM_ADMIN)
