"""Issue 14, items 8 and 9: cache and permissions headers, absolute session lifetime,
the proxy header trusted only from the proxy, and no gunicorn banner."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.middleware import SESSION_STARTED_KEY
from applications.factories_support import pdf_bytes
from psp_portal.middleware import TrustedProxyMiddleware
from tests.factories import ApplicationFactory, CycleFactory

BASE_DIR = Path(django_settings.BASE_DIR)


# --------------------------------------------------------------------------- headers
def not_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.django_db
def test_private_page_csv_export_and_download_are_not_stored(client, applicant, reviewer):
    draft = ApplicationFactory(
        cycle=CycleFactory(), jurisdiction=applicant.jurisdiction, created_by=applicant
    )
    client.force_login(applicant)
    assert not_stored(client.get(reverse("dashboard")))
    client.post(
        reverse("applications:letters", args=[draft.pk]),
        {"kind": "chief_executive", "file": SimpleUploadedFile("l.pdf", pdf_bytes())},
    )
    letter = draft.letters.get()
    download = client.get(reverse("applications:letter_download", args=[draft.pk, letter.pk]))
    assert download.status_code == 200
    assert not_stored(download)

    client.force_login(reviewer)
    export = client.get(reverse("sites:list"), {"format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert not_stored(export)


@pytest.mark.django_db
def test_sign_in_page_is_not_stored_and_carries_a_permissions_policy(client):
    response = client.get(reverse("account_login"))
    assert "no-store" in response["Cache-Control"]
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


# --------------------------------------------------------------------------- sessions
def _age_session(client, seconds: int) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixture", "age_hours", "still_in"),
    [
        ("applicant", 23, True),
        ("applicant", 25, False),
        ("reviewer", 11, True),
        ("reviewer", 13, False),
    ],
)
def test_session_ends_at_its_absolute_lifetime_however_active(
    client, request, fixture, age_hours, still_in
):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    _age_session(client, age_hours * 3600)
    response = client.get(reverse("dashboard"))
    if still_in:
        assert response.status_code == 200
        assert client.session.get("_auth_user_id") == str(user.pk)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_sign_in_records_when_the_session_started(client, applicant):
    before = int(time.time())
    client.force_login(applicant)
    assert client.session[SESSION_STARTED_KEY] >= before


# --------------------------------------------------------------------------- proxy
def _scheme_seen(remote_addr: str, settings) -> bool:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=remote_addr)
    TrustedProxyMiddleware(view)(request)
    return seen["secure"]


def test_forwarded_proto_is_believed_from_the_proxy(settings):
    assert _scheme_seen("10.0.0.7", settings) is True


def test_forwarded_proto_from_anyone_else_is_dropped(settings):
    assert _scheme_seen("203.0.113.9", settings) is False


def test_the_proxy_middleware_runs_before_django_reads_the_header():
    middleware = django_settings.MIDDLEWARE
    assert middleware.index("psp_portal.middleware.TrustedProxyMiddleware") < middleware.index(
        "django.middleware.security.SecurityMiddleware"
    )


# --------------------------------------------------------------------------- deployment
def test_compose_publishes_gunicorn_on_loopback_only_and_names_the_proxy():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    for mapping in web["ports"]:
        assert str(mapping).startswith("127.0.0.1:"), mapping
    for name, service in compose["services"].items():
        assert "ports" not in service or name == "web", f"{name} is published"
    assert web["environment"]["TRUSTED_PROXIES"]
    assert "--config=gunicorn.conf.py" in web["command"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_header(tmp_path, *config_args) -> str | None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_ENV="development",
        DJANGO_SETTINGS_MODULE="psp_portal.settings",
        PSP_VAR_DIR=str(tmp_path),
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "psp_portal.wsgi:application", *config_args, f"--bind=127.0.0.1:{port}"],
        cwd=tmp_path,  # no gunicorn.conf.py found by default: only --config loads it
        env={**env, "PYTHONPATH": str(BASE_DIR)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accessibility/") as r:
                    return r.headers.get("Server")
            except urllib.error.HTTPError as error:
                return error.headers.get("Server")
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_with_the_project_config_sends_no_server_banner(tmp_path):
    assert _server_header(tmp_path) == "gunicorn"  # what the config removes
    assert _server_header(tmp_path, f"--config={BASE_DIR / 'gunicorn.conf.py'}") is None
