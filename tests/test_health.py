"""/healthz: 200 when the database (and the broker, when Redis is configured) answer, else 503.

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
import json, time, django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get("/healthz")
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


def healthz_in_subprocess(tmp_path, **env: str) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}
    }
    # A private var/ directory: SQLite creates its file there, never in the real var/.
    clean.update(DJANGO_SETTINGS_MODULE="psp_portal.settings", PSP_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", GET_HEALTHZ],
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


def test_healthz_checks_the_broker_when_redis_is_configured(tmp_path):
    result = healthz_in_subprocess(tmp_path, REDIS_URL=ops_redis_url())
    assert result["status"] == 200, result
    assert result["body"]["checks"] == {"database": "ok", "broker": "ok"}


def test_healthz_answers_503_quickly_when_the_broker_is_down(tmp_path):
    result = healthz_in_subprocess(tmp_path, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    assert result["status"] == 503, result
    assert result["body"]["status"] == "down"
    assert result["body"]["checks"] == {"database": "ok", "broker": "down"}
    # A health check that hangs is as bad as none: the balancer times out instead.
    assert result["seconds"] < 5, result


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    started = time.monotonic()
    result = healthz_in_subprocess(
        tmp_path, DATABASE_URL=f"postgres://psp:psp@127.0.0.1:{closed_port()}/psp_ops"
    )
    assert result["status"] == 503, result
    assert result["body"]["checks"] == {"database": "down"}
    assert time.monotonic() - started < 30
    assert result["seconds"] < 5, result


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
    assert statuses["healthz"] == 503  # answered (broker down), not redirected
