"""`make run PORT=...` serves where every emailed link points (issue 13 item 4).

Links in invitation, receipt, decision and staff emails are built from SITE_URL in code
that has no request (workers), so `make run`, `make worker` and `make beat` pass the
SITE_URL that matches HOST and PORT unless one is set. `make -n` prints the commands
without running them."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(target: str, *args: str, env_site_url: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    if env_site_url:
        env["SITE_URL"] = env_site_url
    result = subprocess.run(
        ["make", "-n", target, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _site_url_of(output: str, command: str) -> str:
    line = next(line for line in output.splitlines() if command in line)
    match = re.match(r"SITE_URL=(\S+) ", line)
    assert match, f"no SITE_URL passed to: {line}"
    return match.group(1)


@pytest.mark.parametrize(
    "target,command",
    [("run", "manage.py runserver"), ("worker", "celery -A psp_portal worker"),
     ("beat", "celery -A psp_portal beat")],
)  # fmt: skip
def test_make_passes_the_served_address_as_site_url(target, command):
    output = _dry_run(target, "PORT=8101")
    assert _site_url_of(output, command) == "http://127.0.0.1:8101"


def test_make_run_keeps_a_site_url_that_is_set():
    output = _dry_run("run", "PORT=8101", env_site_url="https://psp.example.gov")
    assert _site_url_of(output, "manage.py runserver") == "https://psp.example.gov"


def test_the_passed_site_url_is_what_the_settings_build_links_from():
    url = _site_url_of(_dry_run("run", "HOST=0.0.0.0", "PORT=8102"), "manage.py runserver")
    env = {"PATH": os.environ.get("PATH", ""), "SITE_URL": url, "DJANGO_ENV": "development"}
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'psp_portal.settings');"
        "django.setup(); from django.conf import settings;"
        "print(settings.SITE_URL + '/reports/1/')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://0.0.0.0:8102/reports/1/"
