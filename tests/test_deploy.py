"""docker-compose.yml and the Dockerfile, checked without Docker (it cannot run here).

What the containers would run is run here instead: the WSGI module and Celery
app each command names are imported with the environment compose passes, and
gunicorn serves /healthz to the container's health probe.
"""

import fnmatch
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.test_health import ops_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")

# What a deployer puts in .env (the variables compose insists on).
DEPLOYER_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "psp.example.gov",
    "POSTGRES_PASSWORD": "not-a-real-password",
}

_VAR = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}|\$\$")


def interpolate(value, env: dict[str, str]):
    """Compose's variable substitution: ${X}, ${X:-default}, ${X:?error}, $$."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name", "op", "arg")
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return _VAR.sub(substitute, value)


def service(name: str, env: dict[str, str] | None = None) -> dict:
    return interpolate(COMPOSE["services"][name], DEPLOYER_ENV if env is None else env)


def command(name: str) -> list[str]:
    cmd = service(name)["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else cmd


def container_env(name: str) -> dict[str, str]:
    return {k: str(v) for k, v in service(name)["environment"].items()}


def run_in_container_env(args: list[str], name: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(container_env(name))
    env["DJANGO_SETTINGS_MODULE"] = dockerfile_env()["DJANGO_SETTINGS_MODULE"]
    env.update(extra)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)  # join continued lines
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", rest)))
    return env


def settings_variables() -> set[str]:
    """Every environment variable psp_portal/settings.py reads."""
    source = (BASE_DIR / "psp_portal" / "settings.py").read_text()
    names = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"(\w+)\"", source))
    # Read in a loop (the production refusal) and by dj_database_url.config().
    (required,) = re.findall(r"REQUIRED_IN_PRODUCTION = \(([^)]*)\)", source)
    names |= set(re.findall(r"\"(\w+)\"", required))
    if "dj_database_url.config(" in source:
        names.add("DATABASE_URL")
    return names


def test_compose_file_has_the_services_a_deployment_needs():
    assert set(COMPOSE["services"]) >= {"web", "worker", "beat", "postgres", "redis", "migrate"}
    assert COMPOSE["services"]["postgres"]["image"] == "postgres:15"
    assert COMPOSE["services"]["redis"]["image"] == "redis:7"
    for name in PORTAL_SERVICES:
        assert COMPOSE["services"][name]["build"] == "."


def test_portal_services_run_in_production_mode_against_compose_postgres_and_redis():
    for name in PORTAL_SERVICES:
        env = container_env(name)
        assert env["DJANGO_ENV"] == "production"
        assert env["DATABASE_URL"] == "postgres://psp:not-a-real-password@postgres:5432/psp"
        assert env["REDIS_URL"] == "redis://redis:6379/0"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"])
def test_compose_refuses_to_start_without_a_deployer_secret(missing):
    env = {k: v for k, v in DEPLOYER_ENV.items() if k != missing}
    with pytest.raises(KeyError, match=missing):
        service("web", env)


def test_every_variable_compose_passes_is_read_by_the_settings():
    read = settings_variables() | {"DJANGO_ENV"}
    for name in PORTAL_SERVICES:
        unread = set(container_env(name)) - read
        assert not unread, f"{name} passes variables nothing reads: {sorted(unread)}"


def test_web_and_worker_start_only_after_migrations_and_healthy_services():
    for name in ("web", "worker", "beat"):
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["postgres"] == {"condition": "service_healthy"}
        assert depends["redis"] == {"condition": "service_healthy"}
    assert "migrate --noinput" in " ".join(command("migrate"))


def test_commands_name_gunicorn_and_celery_with_the_right_options():
    web = command("web")
    assert web[0] == "gunicorn"
    assert any(arg.startswith("--workers=") and int(arg.split("=")[1]) >= 2 for arg in web)
    worker = command("worker")
    assert worker[:4] == ["celery", "-A", "psp_portal", "worker"]
    assert "--max-tasks-per-child=50" in worker
    assert command("beat")[:4] == ["celery", "-A", "psp_portal", "beat"]


def test_the_wsgi_module_and_celery_app_the_commands_name_resolve_under_the_compose_env():
    wsgi_module, wsgi_attr = next(a for a in command("web") if ":" in a).split(":")
    celery_app = command("worker")[command("worker").index("-A") + 1]
    assert command("beat")[command("beat").index("-A") + 1] == celery_app
    code = f"""
import importlib, json
from celery import Celery
from celery.app.utils import find_app
application = getattr(importlib.import_module({wsgi_module!r}), {wsgi_attr!r})
app = find_app({celery_app!r})
app.loader.import_default_modules()
beat_tasks = [entry["task"] for entry in app.conf.beat_schedule.values()]
from django.conf import settings
print(json.dumps({{
    "wsgi_callable": callable(application),
    "celery": isinstance(app, Celery),
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "unregistered_beat_tasks": [t for t in beat_tasks if t not in app.tasks],
    "debug": settings.DEBUG,
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "site_url": settings.SITE_URL,
}}))
"""
    result = run_in_container_env(["-c", code], "worker")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["wsgi_callable"] is True
    assert found["celery"] is True
    assert found["broker"] == "redis://redis:6379/0"
    assert found["eager"] is False
    assert found["unregistered_beat_tasks"] == []
    assert found["debug"] is False
    assert found["storage"] == "psp_portal.staticfiles.PortalStaticFilesStorage"
    assert found["site_url"] == "https://psp.example.gov"


def test_the_compose_env_passes_the_deployment_checklist():
    result = run_in_container_env(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], "web"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_settings_module_the_dockerfile_names_exists():
    module = dockerfile_env()["DJANGO_SETTINGS_MODULE"]
    assert module == "psp_portal.settings"
    assert (BASE_DIR / (module.replace(".", "/") + ".py")).is_file()


def test_dockerfile_base_image_and_system_libraries():
    rows = dockerfile_instructions()
    assert rows[0] == ("FROM", "python:3.11-slim-bookworm")
    apt = " ".join(rest for keyword, rest in rows if keyword == "RUN" and "apt-get" in rest)
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "libfontconfig1",
        "fonts-dejavu-core",
    ):
        assert package in apt
    installs = [rest for k, rest in rows if k == "RUN" and "pip install" in rest]
    assert installs == ["pip install --require-hashes -r /app/requirements.lock"]


# Tools that only development and CI need; the image must not carry them.
DEV_ONLY_PACKAGES = {"pytest", "pytest-django", "playwright", "ruff", "factory-boy", "faker"}


def locked_packages(lock_file: str) -> dict[str, str]:
    """{package name: the whole requirement block} of a pip-compile lock file."""
    blocks, current = {}, None
    for line in (BASE_DIR / lock_file).read_text().splitlines():
        if line and not line.startswith((" ", "#", "-")):
            current = line.split("==")[0].strip().lower().replace("_", "-")
            blocks[current] = line
        elif current and line.strip().startswith("--hash"):
            blocks[current] += "\n" + line
    return blocks


def test_runtime_lock_holds_no_test_tools_and_every_pin_has_a_hash():
    runtime = locked_packages("requirements.lock")
    assert {"django", "celery", "weasyprint", "gunicorn"} <= runtime.keys()
    assert not DEV_ONLY_PACKAGES & runtime.keys(), DEV_ONLY_PACKAGES & runtime.keys()
    for name, block in runtime.items():
        assert "==" in block and "--hash=sha256:" in block, f"{name} is not pinned with a hash"


def test_dev_lock_adds_the_test_tools_at_the_runtime_versions():
    runtime = locked_packages("requirements.lock")
    dev = locked_packages("requirements-dev.lock")
    assert DEV_ONLY_PACKAGES <= dev.keys()
    for name, block in runtime.items():
        # Constrained by the runtime lock: tests run exactly what production runs.
        assert dev[name].splitlines()[0] == block.splitlines()[0], name
        assert "--hash=sha256:" in dev[name]


def dockerignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` (relative to the repository) out of the build context."""
    patterns = [
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern.removeprefix("**/")) or fnmatch.fnmatch(prefix, pattern)
        for pattern in patterns
        for prefix in prefixes
    )


def test_every_file_the_dockerfile_copies_exists_and_every_app_is_in_the_image():
    copied = []
    for keyword, rest in dockerfile_instructions():
        if keyword == "COPY":
            *sources, _destination = rest.split()
            for source in sources:
                assert (BASE_DIR / source).exists(), f"COPY {source}: no such file"
                copied.append(source.rstrip("/"))
    assert "." in copied, "the Dockerfile no longer copies the project"
    from django.conf import settings

    needed = [
        *settings.LOCAL_APPS,
        "psp_portal",
        "program",
        "manage.py",
        "templates",
        "static",
        "requirements.lock",
        # What the web container's health probe runs.
        "scripts/healthcheck.py",
    ]
    for path in needed:
        assert (BASE_DIR / path).exists(), path
        assert not dockerignored(path), f".dockerignore keeps {path} out of the image"
    probe = COMPOSE["services"]["web"]["healthcheck"]["test"]
    assert probe[1:3] == ["python", "scripts/healthcheck.py"]


def test_dockerfile_runs_as_a_non_root_user_and_collects_static_without_secrets():
    rows = dockerfile_instructions()
    users = [rest for keyword, rest in rows if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    collect = [rest for keyword, rest in rows if keyword == "RUN" and "collectstatic" in rest]
    assert len(collect) == 1
    assert "DJANGO_ENV" not in collect[0] and "SECRET_KEY" not in collect[0]
    assert "STATIC_MANIFEST=true" in collect[0]
    # collectstatic runs before USER, and the files it writes are handed to that user.
    keywords = [keyword for keyword, _ in rows]
    assert keywords.index("USER") > max(i for i, (k, r) in enumerate(rows) if "collectstatic" in r)


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    for path in (
        ".git",
        ".venv",
        "var/db.sqlite3",
        ".env",
        "tests/conftest.py",
        "a/__pycache__/x.pyc",
    ):
        assert dockerignored(path), path


def test_collectstatic_as_the_image_build_runs_it_writes_the_manifest_production_needs(tmp_path):
    # Same environment as the Dockerfile's RUN: DJANGO_ENV unset, no secrets.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL")
    }
    env.update(dockerfile_env(), STATIC_MANIFEST="true", PSP_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
    assert manifest["paths"], "no static file was hashed"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_healthz_to_the_container_probe_in_production_mode(tmp_path):
    """The web command and the probe together, in production mode, against a real Redis."""
    port = free_port()
    web = service("web")
    args = [a for a in command("web") if not a.startswith(("--bind", "--workers"))]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        container_env("web"),
        DJANGO_SETTINGS_MODULE="psp_portal.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL=ops_redis_url(),
        MEDIA_ROOT=str(tmp_path / "media"),
        PSP_VAR_DIR=str(tmp_path),
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), *args[1:], f"--bind=127.0.0.1:{port}", "--workers=1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        probe = [
            sys.executable,
            *web["healthcheck"]["test"][2:-1],
            f"http://127.0.0.1:{port}/healthz",
        ]
        deadline = time.monotonic() + 30
        while True:
            result = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=30)
            if result.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert result.returncode == 0, result.stdout + result.stderr
        # Liveness only: the broker is not part of /healthz (issue 15) ...
        assert json.loads(result.stdout)["checks"] == {"database": "ok"}
        # ... but the readiness/status endpoint checks it.
        ready_probe = [*probe[:-1], f"http://127.0.0.1:{port}/healthz/ready"]
        result = subprocess.run(ready_probe, env=env, capture_output=True, text=True, timeout=30)
        assert json.loads(result.stdout)["checks"] == {"database": "ok", "broker": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=10)
    # gunicorn logs JSON lines in UTC, each access line with the request id it sent back.
    lines = [json.loads(line) for line in server.stdout.read().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert access and all(line["ts"].endswith("Z") for line in lines)
    assert "GET /healthz 200" in access[0]["message"]
    assert "request_id=" in access[0]["message"] and "request_id=-" not in access[0]["message"]

    # And the probe fails when nothing answers.
    result = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1


def test_gunicorn_workers_tune_the_garbage_collector_after_loading_the_portal():
    """Each worker freezes start-up objects and raises the first threshold
    (psp_portal/gc_tuning.py) once it has loaded the application (post_fork runs before
    that); the bench's in-process stages do the same."""
    import gc
    import runpy

    from psp_portal.gc_tuning import THRESHOLDS

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert "post_fork" not in config
    before = gc.get_threshold()
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_gunicorn_master_loads_the_portal_and_freezes_it_before_forking():
    import gc
    import runpy
    from types import SimpleNamespace

    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    try:
        config["when_ready"](SimpleNamespace(cfg=SimpleNamespace(preload_app=True)))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
