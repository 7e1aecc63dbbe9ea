"""The read API's list endpoints, 100 rows per page, called with a personal token.

Same method as bench.pages (test client, whole middleware stack, warm-up excluded),
with `Authorization: Bearer` instead of a session, so each request also pays for the
token lookup and its use-log row. Issue 18's targets: at most 10 queries, the same at
every scale, and a p95 under 100 ms at scale 10.
"""

import datetime
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from api.scopes import Scope
from api.services import api_token_create

from .datagen import EMAIL_DOMAIN

PAGE_SIZE = 100
API_MAX_QUERIES = 10
API_P95_MS = 100.0
# The endpoint, and who calls it (the role that sees the most rows).
ENDPOINTS = [
    ("api_sites", "site", "admin0"),
    ("api_engagements", "engagement", "admin0"),
    ("api_follow_ups", "follow-up", "admin0"),
    ("api_sois", "soi", "official0"),
    ("api_reports", "report", "admin0"),
    ("api_cycles", "cycle", "admin0"),
    ("api_national_rates", "national-rate", "admin0"),
    ("api_outcomes", "outcome", "admin0"),
]


def _token(user: User) -> str:
    _, raw = api_token_create(
        user=user,
        name="bench",
        scopes=list(Scope.values),
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
        actor=user,
    )
    return raw


def measure_endpoint(url: str, raw: str, *, runs: int, warmup: int = 3) -> dict:
    client = Client()
    # secure: production settings redirect plain HTTP (the TLS proxy makes it HTTPS).
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "secure": True}
    for _ in range(warmup):
        client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    # Counted now: the next request's request_started signal empties the query log, so
    # reading ctx after the timed runs below gave 0 for every endpoint.
    queries = len(ctx.captured_queries)
    rows = len(response.json().get("results", [])) if response.status_code == 200 else 0
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {
        "url": url,
        "status": response.status_code,
        "rows": rows,
        "queries": queries,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "runs": runs,
    }


# The rate limiter's counters live in Redis in production. The bench's child processes
# run without Redis, where the cache falls back to the database and each request would
# add six SQL statements of throttle bookkeeping to the endpoint's own; a local-memory
# cache stands in for Redis so the count is the endpoint's.
_LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
LOCAL_CACHE = {"default": _LOCMEM, "database": _LOCMEM, "screening": settings.SCREENING_CACHE}


def measure_api(*, runs: int = 30) -> list[dict]:
    # Rate limiting is not what is measured: a budget no run reaches.
    with override_settings(
        ALLOWED_HOSTS=["testserver"], API_RATE_LIMIT="1000000/min", CACHES=LOCAL_CACHE
    ):
        tokens = {}
        results = []
        for key, endpoint, who in ENDPOINTS:
            if who not in tokens:
                tokens[who] = _token(User.objects.get(email=f"{who}@{EMAIL_DOMAIN}"))
            url = reverse(f"api:{endpoint}-list") + f"?page_size={PAGE_SIZE}"
            results.append({"key": key, **measure_endpoint(url, tokens[who], runs=runs)})
    return results


def api_flags(scale_results: dict[int, list[dict]]) -> list[str]:
    out = []
    by_scale = {s: {r["key"]: r for r in rows} for s, rows in scale_results.items()}
    scales = sorted(by_scale)
    for scale in scales:
        for key, r in by_scale[scale].items():
            if r["status"] != 200:
                out.append(f"{key}: HTTP {r['status']} at scale {scale}")
            if r["queries"] > API_MAX_QUERIES:
                out.append(f"{key}: {r['queries']} queries (> {API_MAX_QUERIES}) at scale {scale}")
            if scale == 10 and r["p95_ms"] > API_P95_MS:
                out.append(f"{key}: p95 {r['p95_ms']} ms (> {API_P95_MS:g}) at scale 10")
            first = by_scale[scales[0]].get(key)
            if first and first["queries"] != r["queries"]:
                out.append(f"{key}: {first['queries']} vs {r['queries']} queries across scales")
    return sorted(set(out))


def print_api(entry: dict, out) -> None:
    scales = [s for s in sorted(entry["scales"], key=int) if "api" in entry["scales"][s]]
    if not scales:
        return
    out.write(f"\n-- API lists, {PAGE_SIZE} rows per page (median / p95 ms, queries, rows) --\n")
    by_scale = {s: {r["key"]: r for r in entry["scales"][s]["api"]} for s in scales}
    for key in by_scale[scales[0]]:
        cells = []
        for s in scales:
            r = by_scale[s].get(key)
            if r is None:
                cells.append(f"{'-':>34}")
                continue
            cells.append(
                f"{r['median_ms']:>9.1f}/{r['p95_ms']:>8.1f} {r['queries']:>4}q {r['rows']:>5}r"
            )
        out.write(f"{key:<28}" + "".join(f"{c:>34}" for c in cells) + "\n")
    flags = entry.get("api_flags", [])
    out.write("API flags:\n" + ("".join(f"  - {f}\n" for f in flags) or "  none\n"))
