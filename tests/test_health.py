"""/healthz (liveness: the process and its database) and /healthz/ready (readiness and
status: database, broker, workers, queue age, scheduled jobs).

A Redis outage must not take web nodes out of a load balancer (issue 15): /healthz
ignores the broker; /healthz/ready reports it as "degraded" with a 200.

The "down" cases use real failures (a closed port), in a fresh process started
with the deployment's variables, rather than mocks: what is tested is that the
check really reaches the service the settings name.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.test import override_settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent

GET_HEALTHZ = """
import json, sys, time, django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get(sys.argv[1])
print(json.dumps({
    "status": response.status_code,
    "body": json.loads(response.content),
    "cache_control": response.get("Cache-Control", ""),
    "seconds": time.monotonic() - started,
}))
"""


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ops_redis_url() -> str:
    """This helper's Redis database (2) on the configured or local Redis server.

    When no Redis answers: fail in CI (REDIS_URL or CI set), so CI never passes
    without the broker checks; on a bare development machine, skip and say why.
    """
    configured = os.environ.get("REDIS_URL", "")
    parts = urlsplit(configured or "redis://127.0.0.1:6379/0")
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=1):
            pass
    except OSError:
        reason = f"no Redis answers on {host}:{port}"
        if configured or os.environ.get("CI"):
            pytest.fail(f"REDIS_URL is set but {reason}", pytrace=False)
        print(f"\nSkipping: {reason} (start redis-server to run this test)", file=sys.stderr)
        pytest.skip(reason)
    return urlunsplit((parts.scheme, parts.netloc, "/2", "", ""))


def healthz_in_subprocess(tmp_path, path="/healthz", **env: str) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}
    }
    # A private var/ directory: SQLite creates its file there, never in the real var/.
    clean.update(DJANGO_SETTINGS_MODULE="psp_portal.settings", PSP_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", GET_HEALTHZ, path],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_healthz_reports_the_database_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    # A load balancer must never see a cached answer.
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_public_and_needs_no_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "database" in response.json()["checks"]


@pytest.mark.django_db
def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_readiness_checks_the_broker_when_redis_is_configured(tmp_path):
    result = healthz_in_subprocess(tmp_path, "/healthz/ready", REDIS_URL=ops_redis_url())
    assert result["status"] == 200, result
    assert result["body"]["checks"] == {"database": "ok", "broker": "ok"}


def test_healthz_stays_200_when_only_the_broker_is_down(tmp_path):
    # Liveness ignores Redis: every web node would otherwise leave the balancer at once.
    result = healthz_in_subprocess(tmp_path, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    assert result["status"] == 200, result
    assert result["body"] == {"status": "ok", "checks": {"database": "ok"}}
    assert result["seconds"] < 5, result


def test_readiness_reports_a_down_broker_as_degraded_quickly(tmp_path):
    result = healthz_in_subprocess(
        tmp_path, "/healthz/ready", REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0"
    )
    assert result["status"] == 200, result
    assert result["body"]["status"] == "degraded"
    assert result["body"]["checks"] == {"database": "ok", "broker": "down"}
    assert "broker" in result["body"]["problems"] and "workers" in result["body"]["problems"]
    # A health check that hangs is as bad as none: the balancer times out instead.
    assert result["seconds"] < 3, result


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    started = time.monotonic()
    result = healthz_in_subprocess(
        tmp_path, DATABASE_URL=f"postgres://psp:psp@127.0.0.1:{closed_port()}/psp_ops"
    )
    assert result["status"] == 503, result
    assert result["body"]["checks"] == {"database": "down"}
    assert time.monotonic() - started < 30
    assert result["seconds"] < 5, result
    ready = healthz_in_subprocess(
        tmp_path, "/healthz/ready", DATABASE_URL=f"postgres://psp:psp@127.0.0.1:{closed_port()}/psp"
    )
    assert ready["status"] == 503 and ready["body"]["status"] == "down", ready


def test_healthz_is_not_redirected_to_https_in_production(tmp_path):
    # Load balancers probe over plain HTTP inside the network; every other page redirects.
    code = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="psp.example.gov")
print(json.dumps({"healthz": client.get("/healthz").status_code, "home": client.get("/").status_code}))
"""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="psp_portal.settings",
        DJANGO_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="psp.example.gov",
        # No service needed: the answer's code is what matters, not the checks' result.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
        PSP_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses["home"] == 301
    assert statuses["healthz"] == 200  # answered (database up, broker ignored), not redirected


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:6379/10")
def test_readiness_reports_workers_queue_age_and_scheduled_jobs(client, applicant, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from operations.models import JobRun, WorkerHeartbeat
    from psp_portal import health
    from reports.models import Report

    monkeypatch.setattr(health, "_broker_ok", lambda: True)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker="celery@a", last_seen_at=now - timedelta(seconds=20))
    WorkerHeartbeat.objects.create(worker="celery@gone", last_seen_at=now - timedelta(minutes=5))
    queued = Report.objects.create(kind="soi_packet", params={}, requested_by=applicant)
    Report.objects.filter(pk=queued.pk).update(created_at=now - timedelta(minutes=9))
    JobRun.objects.create(
        name="reports-sweep-stale", last_outcome="ok", last_success_at=now - timedelta(minutes=1)
    )

    body = client.get(reverse("healthz-ready")).json()
    assert body["workers_seen_last_minute"] == 1
    assert 9 * 60 <= body["oldest_queued_report_age_seconds"] < 9 * 60 + 30
    assert body["scheduled_jobs"]["reports-sweep-stale"]["last_outcome"] == "ok"
    assert 60 <= body["scheduled_jobs"]["reports-sweep-stale"]["last_success_age_seconds"] < 90
    assert body["scheduled_jobs"]["operations-retention"]["last_outcome"] is None
    # The queue has not moved for 9 minutes: degraded, yet still 200.
    assert body["status"] == "degraded" and body["problems"] == ["queue"]
    assert "celery@a" not in str(body)  # no host names on a public endpoint
