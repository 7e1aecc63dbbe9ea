"""Throughput under gunicorn: wrk drives a page mix; 200 applicants submit at once.

Everything listens on 127.0.0.1 only. gunicorn runs with 2 x cores + 1 sync workers and
the project's gunicorn.conf.py (as deployed: the portal preloaded, the garbage collector
tuned); wrk runs as a separate process. A short run of each mix warms the workers first
and is not counted; then the mixes and /healthz run in interleaved rounds, and the
workers' CPU time per request is read from /proc alongside the requests per second. Signed-in traffic uses session cookies created
directly in the session table (no password round trip), several per role so that
connections do not all update one session row (SESSION_SAVE_EVERY_REQUEST).
"""

import datetime
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Jurisdiction, User
from applications.factories_support import sign_as_officer
from applications.models import Application, Cycle

from .datagen import EMAIL_DOMAIN, Summary, _bulk_sections, refuse_outside_bench_database
from .pages import key_pages

HOST = "127.0.0.1"
SESSIONS_PER_ROLE = 20
WARMUP_S = 2  # seconds per mix
ROUNDS = 3
HEALTHZ_S = 6
# What the review page's submit form sends (applications.forms.SubmitForm).
SUBMIT_FORM = {"attestation": "on"}
# What the TLS proxy in front of gunicorn adds in production (trusted from 127.0.0.1,
# TRUSTED_PROXIES): without it the production settings redirect every page to HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

WRK_SCRIPT = """
paths = {%(paths)s}
cookies = {%(cookies)s}
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  local cookie = cookies[(counter %% #cookies) + 1]
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. cookie, %(proxy)s})
end
non2xx = 0
response = function(status, headers, body)
  if status >= 300 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_s": %%.2f, "connect_errors": %%d, "read_errors": %%d, '
    .. '"write_errors": %%d, "status_errors": %%d, "timeouts": %%d, "p50_ms": %%.1f, '
    .. '"p90_ms": %%.1f, "p99_ms": %%.1f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class Gunicorn:
    def __init__(self, env: dict):
        self.port = free_port()
        self.env = env
        self.proc = None

    def __enter__(self):
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.proc = subprocess.Popen(
            [gunicorn, "psp_portal.wsgi:application", "--bind", f"{HOST}:{self.port}",
             "--workers", str(workers()), "--timeout", "60", "--log-level", "warning"],
            env=self.env, cwd=settings.BASE_DIR, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz", headers=PROXY_HEADERS)
                if conn.getresponse().status in (200, 503):
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not start within 60 s")

    def worker_cpu_seconds(self) -> float | None:
        """CPU time (user + system) the workers have used so far; None off Linux.

        Read from /proc: the workers are the master's children."""
        try:
            tick = os.sysconf("SC_CLK_TCK")
            total = 0
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/stat") as fh:
                        # The command name (2nd field) may hold spaces: split after it.
                        fields = fh.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # the process ended meanwhile
                if int(fields[1]) == self.proc.pid:  # ppid
                    total += int(fields[11]) + int(fields[12])  # utime + stime
            return total / tick
        except (OSError, ValueError, IndexError):
            return None

    def wait_until_idle(self, timeout: float = 30.0) -> float | None:
        """The workers' CPU time once it stops growing (their last requests are done)."""
        deadline = time.monotonic() + timeout
        last = self.worker_cpu_seconds()
        while last is not None and time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.worker_cpu_seconds()
            if now == last:
                break
            last = now
        return last

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def run_wrk(port: int, paths: list[str], cookies: list[str], seconds: int, connections: int):
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "cookies": ", ".join(json.dumps(c) for c in cookies),
        "proxy": '["X-Forwarded-Proto"] = "https"',
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(
            [wrk_binary(), "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
             "-s", fh.name, f"http://{HOST}:{port}/"],
            capture_output=True, text=True, timeout=seconds + 60,
        )  # fmt: skip
    finally:
        os.unlink(fh.name)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        return {"error": (out.stdout + out.stderr)[-2000:]}
    result = json.loads(line[len("WRKJSON ") :])
    result["requests_per_s"] = round(result["requests"] / max(result["duration_s"], 0.001), 1)
    result["errors"] = sum(
        result[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    result["paths"] = paths
    result["connections"] = connections
    return result


def make_submission_drafts(n: int) -> list[tuple[int, str]]:
    """n new jurisdictions, each with a verified applicant and a complete draft in the open
    cycle. Returns (application id, session key) pairs."""
    refuse_outside_bench_database()
    cycle = Cycle.objects.filter(name__startswith="Bench cycle").order_by("-year").first()
    cycle.closes_at = max(cycle.closes_at, timezone.now() + datetime.timedelta(days=1))
    cycle.save(update_fields=["closes_at"])
    stamp = secrets.token_hex(3)
    jurisdictions = Jurisdiction.objects.bulk_create(
        [Jurisdiction(name=f"Loadtown {stamp} {i}", kind="city", state="OH") for i in range(n)]
    )
    applicants = User.objects.bulk_create(
        [
            User(email=f"load{stamp}-{i}@{EMAIL_DOMAIN}", full_name=f"Load {i}", jurisdiction=j)
            for i, j in enumerate(jurisdictions)
        ]
    )
    group = Group.objects.get(name=roles.APPLICANT)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in applicants]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in applicants]
    )
    now = timezone.now()
    drafts = Application.objects.bulk_create(
        [
            Application(
                cycle=cycle,
                jurisdiction=j,
                created_by=u,
                population=250_000,
                population_year=cycle.year - 1,
                lead_agency_name="Loadtown Police Department",
                lead_agency_ori="OH0000001",
                judicial_district="OHN",
                narrative_problem="Shootings.",
                narrative_strategies="Focused deterrence.",
                narrative_partnerships="USAO, ATF.",
                narrative_leadership="Mayor and chief.",
                narrative_tta="Crime analysis.",
                tta_focus_areas=["crime_analysis"],
                section_saves={
                    k: {"version": 1, "at": now.isoformat(), "by": u.full_name}
                    for k in ("profile", "contacts", "crime", "narrative", "certification", "ice")
                },
            )
            for j, u in zip(jurisdictions, applicants, strict=True)
        ]
    )
    import random

    _bulk_sections(
        drafts, random.Random(0), Summary(), cycle.question_set, cycle.certification_text, now
    )
    # Submission needs the named officer's current signature over the content (issue 12);
    # without it every submit is refused (409) and the stage measures nothing.
    for draft in drafts:
        sign_as_officer(draft)
    return [(a.pk, session_for(u)) for a, u in zip(drafts, applicants, strict=True)]


def _submit(port: int, pk: int, session: str) -> tuple[int, int]:
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret Django accepts
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    body = urlencode({**SUBMIT_FORM, "csrfmiddlewaretoken": token})
    conn.request(
        "POST",
        reverse("applications:submit", args=[pk]),
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={token}",
            **PROXY_HEADERS,
            # An HTTPS POST must name a referring page of the same site (CSRF check).
            "Referer": f"https://{HOST}:{port}/",
        },
    )
    return pk, conn.getresponse().status


def submissions(port: int, drafts: list[tuple[int, str]]) -> dict:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
        statuses = list(pool.map(lambda d: _submit(port, *d), drafts))
    elapsed = time.perf_counter() - started
    ids = [pk for pk, _session in drafts]
    rows = Application.objects.filter(pk__in=ids)
    submitted = rows.filter(status=Application.Status.SUBMITTED)
    refs = list(submitted.values_list("reference_number", flat=True))
    receipts = list(submitted.exclude(receipt=None).values_list("receipt_id", flat=True))
    codes: dict[str, int] = {}
    for _pk, status in statuses:
        codes[str(status)] = codes.get(str(status), 0) + 1
    return {
        "attempted": len(drafts),
        "seconds": round(elapsed, 2),
        "http_status": codes,
        "submitted": submitted.count(),
        "distinct_reference_numbers": len(set(refs)),
        "receipt_rows": len(set(receipts)),
        "lost": len(drafts) - submitted.count(),
        "duplicated_references": len(refs) - len(set(refs)),
        "ok": submitted.count() == len(drafts) == len(set(refs)) == len(set(receipts)),
    }


def merge_rounds(runs: list[dict]) -> dict:
    """One figure for a mix timed in several rounds: requests over the summed duration,
    errors summed, the median round's p50 and p90 and the worst round's p99."""
    if any("error" in r for r in runs):
        return next(r for r in runs if "error" in r)
    merged = {k: sum(r[k] for r in runs) for k in ("requests", "errors", "duration_s")}
    merged["duration_s"] = round(merged["duration_s"], 2)
    merged["requests_per_s"] = round(merged["requests"] / max(merged["duration_s"], 0.001), 1)
    for key in ("p50_ms", "p90_ms"):
        merged[key] = statistics.median(r[key] for r in runs)
    merged["p99_ms"] = max(r["p99_ms"] for r in runs)
    cpu = [r.get("worker_cpu_s") for r in runs]
    if None not in cpu:
        merged["worker_cpu_s"] = round(sum(cpu), 2)
        # wrk counts completed responses; every connection also had one request in
        # flight when a round stopped, which the workers finished (its CPU time is in).
        served = merged["requests"] + len(runs) * runs[0]["connections"]
        merged["cpu_ms_per_request"] = round(1000 * sum(cpu) / served, 2)
    merged.update(rounds=len(runs), paths=runs[0]["paths"], connections=runs[0]["connections"])
    return merged


def throughput_ratios(result: dict) -> dict:
    """Each mix's requests per second over /healthz's in the same run: comparable across
    machines, where the requests per second themselves are not (issue 20)."""
    healthz = (result.get("healthz") or {}).get("requests_per_s")
    healthz_cpu = (result.get("healthz") or {}).get("cpu_ms_per_request")
    ratios = {}
    for mix in ("staff_mix", "applicant_mix"):
        rps = (result.get(mix) or {}).get("requests_per_s")
        if rps and healthz:
            ratios[f"{mix}_to_healthz"] = round(rps / healthz, 3)
        # The same ratio from the workers' CPU per request, which other work on a shared
        # machine skews far less than requests per second (the database's CPU is not in it).
        cpu = (result.get(mix) or {}).get("cpu_ms_per_request")
        if cpu and healthz_cpu:
            ratios[f"{mix}_to_healthz_by_cpu"] = round(healthz_cpu / cpu, 3)
    return ratios


def run_load(*, seconds: int = 20, connections: int = 20, n_submissions: int = 200) -> dict:
    refuse_outside_bench_database()
    pages = {p.key: p for p in key_pages()}
    admin, applicant = pages["site_list"].user, pages["applicant_dashboard"].user
    staff_paths = [
        pages[k].url
        for k in ("site_list", "site_page", "engagement_list", "program_view", "soi_detail_staff")
    ]
    applicant_paths = [pages[k].url for k in (
        "applicant_dashboard", "applicant_soi_list", "soi_detail_applicant")]  # fmt: skip
    staff_cookies = [session_for(admin) for _ in range(SESSIONS_PER_ROLE)]
    applicant_cookies = [session_for(applicant) for _ in range(SESSIONS_PER_ROLE)]
    drafts = make_submission_drafts(n_submissions)
    env = {**os.environ, "DEBUG": "false"}
    result = {"workers": workers(), "tool": None}
    with Gunicorn(env) as server:
        if wrk_binary():
            result["tool"] = "wrk"
            # Not counted: each worker's first requests compile templates and fill its
            # caches, as the pages stage's warm-up requests do.
            for paths, cookies in (
                (staff_paths, staff_cookies),
                (applicant_paths, applicant_cookies),
            ):
                run_wrk(server.port, paths, cookies, WARMUP_S, connections)
            # Interleaved rounds (as the pages stage does), so a burst of other work on a
            # shared machine slows every mix alike rather than one mix's ratio to /healthz.
            staff_s = max(ROUNDS, seconds * 2 // 3)
            mixes = {
                "staff_mix": (staff_paths, staff_cookies, staff_s),
                "applicant_mix": (applicant_paths, applicant_cookies, seconds - staff_s),
                "healthz": (["/healthz"], ["none"], HEALTHZ_S),
            }
            runs = {mix: [] for mix in mixes}
            for _ in range(ROUNDS):
                for mix, (paths, cookies, total_s) in mixes.items():
                    cpu = server.worker_cpu_seconds()
                    run = run_wrk(
                        server.port, paths, cookies, max(1, total_s // ROUNDS), connections
                    )
                    # The requests still in flight when wrk stops are served anyway: wait
                    # for them, so their CPU time is not counted in the next mix.
                    after = server.wait_until_idle()
                    if cpu is not None and after is not None:
                        run["worker_cpu_s"] = after - cpu
                    runs[mix].append(run)
            result.update({mix: merge_rounds(mix_runs) for mix, mix_runs in runs.items()})
            result.update(throughput_ratios(result))
        else:
            result["wrk_missing"] = "wrk not installed: page throughput not measured"
        result["submissions"] = submissions(server.port, drafts)
    return result
