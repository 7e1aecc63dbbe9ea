"""Settings selection from the environment.

Each case imports psp_portal.settings in a fresh interpreter with a controlled
environment, because settings are read once per process: the in-process test
settings cannot show what a deployment would get.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# Every variable the settings read that could leak in from the developer's or CI's shell.
CONTROLLED = (
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "SITE_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "PSP_VAR_DIR",
    "DB_RANDOM_PAGE_COST",
)

# Only the settings module is imported (no django.setup()), so an app's import
# error elsewhere cannot hide what the settings chose.
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DJANGO_ENV": settings.DJANGO_ENV,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "DB_HOST": settings.DATABASES["default"].get("HOST", ""),
    "DB_OPTIONS": settings.DATABASES["default"].get("OPTIONS", {}),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
    "CACHE_FALLBACK": settings.CACHES["default"].get("OPTIONS", {}).get("FALLBACK"),
    "FALLBACK_CACHE": settings.CACHES.get("database", {}).get("BACKEND"),
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "THREAD": settings.TASKS_IN_BACKGROUND_THREAD,
    "BROKER": settings.CELERY_BROKER_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "SITE_URL": settings.SITE_URL,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "VAR_DIR": str(settings.VAR_DIR),
}))
"""

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "psp.example.gov",
    "DATABASE_URL": "postgres://psp:secret@db.example.gov:5432/psp",
    "REDIS_URL": "redis://redis.example.gov:6379/0",
}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    clean["DJANGO_SETTINGS_MODULE"] = "psp_portal.settings"
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def load_settings(**env: str) -> dict:
    result = run_python(["-c", PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refusal(**env: str) -> str:
    """The error printed when the settings refuse to load."""
    result = run_python(["-c", PRINT_SETTINGS], env)
    assert result.returncode != 0, f"settings loaded but should have refused: {result.stdout}"
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_defaults_serve_one_machine_without_any_service():
    s = load_settings()
    assert s["DJANGO_ENV"] == "development"
    assert s["DEBUG"] is True
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(s["DB_NAME"]) == BASE_DIR / "var" / "db.sqlite3"
    # Tasks run in-process, so no broker is needed.
    assert s["EAGER"] is True
    assert s["BROKER"] == "memory://"
    # ... on a background thread of the web process, so no request waits for a PDF.
    assert s["THREAD"] is True
    # Shared by every process on the database, unlike the per-process locmem cache.
    assert s["CACHE"] == "django.core.cache.backends.db.DatabaseCache"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "127.0.0.1" in s["ALLOWED_HOSTS"]


def test_database_url_and_redis_url_select_postgres_redis_and_a_real_worker():
    s = load_settings(
        DATABASE_URL="postgres://psp:pw@db.internal:5432/psp_portal",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert s["ENGINE"] == "django.db.backends.postgresql"
    assert s["DB_NAME"] == "psp_portal"
    assert s["DB_HOST"] == "db.internal"
    assert s["BROKER"] == "redis://cache.internal:6379/1"
    assert s["EAGER"] is False
    assert s["THREAD"] is False  # a worker runs them; nothing changes with a broker
    # Redis, degrading to the shared database cache when Redis does not answer (issue 15).
    assert s["CACHE"] == "psp_portal.cache.DegradingRedisCache"
    assert s["CACHE_LOCATION"] == "redis://cache.internal:6379/1"
    assert s["CACHE_FALLBACK"] == "database"
    assert s["FALLBACK_CACHE"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    message = refusal(**env)
    assert missing in message
    others = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} - {missing}
    # Only what is actually missing is named, so the operator fixes the right thing.
    assert not any(name in message for name in others), message


def test_production_refusal_names_every_missing_variable_at_once():
    message = refusal(DJANGO_ENV="production", ALLOWED_HOSTS="psp.example.gov")
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        assert name in message
    assert "ALLOWED_HOSTS" not in message


def test_production_treats_a_blank_variable_as_missing():
    message = refusal(**{**PRODUCTION_ENV, "SECRET_KEY": "   "})
    assert "SECRET_KEY" in message


def test_production_with_everything_set_passes_the_deployment_checklist():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_the_secure_settings_and_smtp():
    s = load_settings(**PRODUCTION_ENV)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["ALLOWED_HOSTS"] == ["psp.example.gov"]
    # Links in mail must point at the deployment, never at a developer's machine.
    assert s["SITE_URL"] == "https://psp.example.gov"


def test_production_keeps_an_explicit_site_url():
    s = load_settings(**PRODUCTION_ENV, SITE_URL="https://portal.psp.gov/")
    assert s["SITE_URL"] == "https://portal.psp.gov"


def test_the_deployment_checklist_fails_with_a_weak_secret_key():
    # Proves the check above is meaningful: the same run with a short key warns.
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "SECRET_KEY": "short"},
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_refuses_debug():
    message = refusal(**PRODUCTION_ENV, DEBUG="true")
    assert "DEBUG" in message


def test_unknown_environment_name_is_refused():
    message = refusal(DJANGO_ENV="prod")
    assert "DJANGO_ENV" in message


@pytest.mark.parametrize("value", ["maybe", "2", "enabled", "tru"])
def test_malformed_boolean_is_refused_not_read_as_a_default(value):
    message = refusal(DEBUG=value)
    assert "DEBUG" in message
    assert repr(value) in message


@pytest.mark.parametrize("value", ["ten", "1.5", "30m"])
def test_malformed_integer_is_refused(value):
    message = refusal(SESSION_COOKIE_AGE=value)
    assert "SESSION_COOKIE_AGE" in message


@pytest.mark.parametrize("value", ["false", "0", "no", "off", "FALSE"])
def test_debug_can_be_switched_off_in_development(value):
    assert load_settings(DEBUG=value)["DEBUG"] is False


def test_celery_app_carries_the_reliability_settings():
    # Read from the Celery app itself, not from Django settings: a wrong
    # namespace or name would leave Celery on its lossy defaults.
    code = """
import json
from psp_portal.celery import app
c = app.conf
print(json.dumps({
    "acks_late": c.task_acks_late,
    "reject_on_worker_lost": c.task_reject_on_worker_lost,
    "prefetch": c.worker_prefetch_multiplier,
    "time_limit": c.task_time_limit,
    "soft_time_limit": c.task_soft_time_limit,
    "visibility_timeout": c.broker_transport_options["visibility_timeout"],
    "socket_connect_timeout": c.broker_transport_options["socket_connect_timeout"],
    "accept_content": list(c.accept_content),
    "task_serializer": c.task_serializer,
    "broker_url": c.broker_url,
    "always_eager": c.task_always_eager,
    "max_tasks_per_child": c.worker_max_tasks_per_child,
}))
"""
    result = run_python(["-c", code], {"REDIS_URL": "redis://127.0.0.1:6379/2"})
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["acks_late"] is True
    assert conf["reject_on_worker_lost"] is True
    assert conf["prefetch"] == 1
    assert conf["soft_time_limit"] < conf["time_limit"] < conf["visibility_timeout"]
    assert conf["socket_connect_timeout"] <= 5
    assert conf["accept_content"] == ["json"]
    assert conf["task_serializer"] == "json"
    assert conf["broker_url"] == "redis://127.0.0.1:6379/2"
    assert conf["always_eager"] is False
    assert conf["max_tasks_per_child"] == 50


def test_celery_time_limit_at_or_above_visibility_timeout_is_refused():
    # Redis would hand a still-running task to a second worker.
    message = refusal(CELERY_TASK_TIME_LIMIT="900", CELERY_VISIBILITY_TIMEOUT="600")
    assert "CELERY_VISIBILITY_TIMEOUT" in message


def test_tests_run_tasks_inline_without_a_broker():
    # DJANGO_ENV=test (settings_test): eager tasks stay in the caller, so tests are
    # deterministic; the background thread is tested on purpose where it is wanted.
    s = load_settings(DJANGO_ENV="test")
    assert s["EAGER"] is True and s["THREAD"] is False


def test_postgresql_plans_for_ssd_storage_unless_told_otherwise():
    url = "postgres://psp:pw@db.internal:5432/psp_portal"
    assert load_settings(DATABASE_URL=url)["DB_OPTIONS"]["options"] == "-c random_page_cost=1.1"
    disks = load_settings(DATABASE_URL=url, DB_RANDOM_PAGE_COST="4")
    assert disks["DB_OPTIONS"]["options"] == "-c random_page_cost=4.0"
    # A positive number only: the value is written into the connection's options, and
    # PostgreSQL would refuse anything else at every connection.
    for bad in ("1 -c x=y", "nan", "inf", "0", "-1"):
        assert "DB_RANDOM_PAGE_COST must be a positive number" in refusal(
            DATABASE_URL=url, DB_RANDOM_PAGE_COST=bad
        )
    # Options the URL carries are kept.
    with_path = load_settings(DATABASE_URL=url + "?options=-c%20search_path%3Dpsp")
    assert with_path["DB_OPTIONS"]["options"] == "-c search_path=psp -c random_page_cost=1.1"
    assert "options" not in load_settings()["DB_OPTIONS"]  # SQLite has no such setting
    # Empty: no option at all (a connection pooler that refuses startup options).
    assert "options" not in load_settings(DATABASE_URL=url, DB_RANDOM_PAGE_COST="")["DB_OPTIONS"]


@pytest.mark.django_db
def test_the_setting_reaches_the_database_server():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting (CI runs it)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
