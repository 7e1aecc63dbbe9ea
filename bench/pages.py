"""Server time and SQL queries of each role's key pages, measured with the test client.

Every request runs the whole middleware stack (sessions, CSRF, auth, CSP, MFA check).
The floor is a trivial view behind the same stack; each page's median is also given
as a multiple of it. The first requests warm caches and are not counted.

Pages are timed in interleaved rounds: one request of every page, floor included, per
round, so a slow spell of the machine (other work, a busy neighbour of a virtual
machine) falls on every page alike rather than on one page's ratio. Each request's time
is split into SQL (the sum of its query durations, timed by a connection execute
wrapper) and the rest, which is Python: middleware, view, forms, templates. For the
slowest pages a cProfile summary says where that Python time goes.
"""

import cProfile
import pstats
import re
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from accounts.models import User
from applications.models import Application, Cycle
from sites.models import Site

from .datagen import EMAIL_DOMAIN

FLOOR_PATH = "/__bench__/floor"  # bench.urls; only when ROOT_URLCONF is set to it
MAX_QUERIES = 15
MEDIAN_MS = 50.0
P95_MS = 150.0


@dataclass
class PageResult:
    key: str
    url: str
    role: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    min_ms: float
    runs: int
    # Medians per request: SQL (sum of query durations), the rest (Python) and the
    # process's CPU time, which other work on a shared machine skews least.
    sql_ms: float = 0.0
    python_ms: float = 0.0
    cpu_ms: float = 0.0
    rows: int = 0  # table body rows in the page (<tr> inside <tbody>)
    ratio_to_floor: float | None = None
    ms_per_row: float | None = None  # (median - floor median) / rows
    profile: list[dict] = field(default_factory=list)


@dataclass
class Page:
    key: str
    url: str
    user: User
    role: str


def _user(email: str) -> User:
    return User.objects.get(email=email)


def key_pages() -> list[Page]:
    """The pages named in issue 8, with a user of the right role and typical objects."""
    official = _user(f"official0@{EMAIL_DOMAIN}")
    reviewer = _user(f"reviewer0@{EMAIL_DOMAIN}")
    admin = _user(f"admin0@{EMAIL_DOMAIN}")
    current = Cycle.objects.filter(name__startswith="Bench cycle").order_by("-year").first()
    soi = (
        Application.objects.filter(cycle=current, status=Application.Status.SUBMITTED)
        .order_by("pk")
        .first()
    )
    applicant = soi.created_by
    sites = list(Site.objects.order_by("pk")[:2])
    big_site, site = sites[0], sites[1]  # the first site holds 1,000 engagements
    liaison = site.liaison
    return [
        Page("floor", FLOOR_PATH, official, "selecting official"),
        Page("review_queue", reverse("reviews:queue"), official, "selecting official"),
        Page("review_queue_reviewer", reverse("reviews:queue"), reviewer, "reviewer"),
        Page("slate", reverse("reviews:slate", args=[current.pk]), official, "selecting official"),
        Page("soi_detail_staff", reverse("reviews:application", args=[soi.pk]), official,
             "selecting official"),
        Page("soi_detail_applicant", reverse("applications:detail", args=[soi.pk]), applicant,
             "applicant"),
        Page("site_list", reverse("sites:list"), admin, "program admin"),
        Page("site_page", reverse("sites:detail", args=[site.pk]), liaison, "site liaison"),
        Page("site_page_1000_engagements", reverse("sites:detail", args=[big_site.pk]), admin,
             "program admin"),
        Page("liaison_workspace", reverse("sites:workspace"), liaison, "site liaison"),
        Page("engagement_list", reverse("engagements:list"), admin, "program admin"),
        Page("program_view", reverse("sites:program"), admin, "program admin"),
        Page("outcomes_page", reverse("outcomes:program"), admin, "program admin"),
        Page("site_outcomes", reverse("outcomes:site", args=[site.pk]), liaison, "site liaison"),
        Page("applicant_dashboard", reverse("dashboard"), applicant, "applicant"),
        Page("applicant_soi_list", reverse("applications:mine"), applicant, "applicant"),
    ]  # fmt: skip


# A page far over budget would make `make bench` take hours at scale 10: its repeats
# are cut to fit this many seconds (at least MIN_RUNS), and the result says how many ran.
PAGE_BUDGET_S = 8.0
MIN_RUNS = 3
PROFILED_PAGES = 3  # the slowest pages (by ratio to the floor) get a cProfile summary
PROFILE_REQUESTS = 5
PROFILE_TOP = 12

_TBODY = re.compile(rb"<tbody[^>]*>(.*?)</tbody>", re.S)
_TR = re.compile(rb"<tr[\s>]")


def body_rows(content: bytes) -> int:
    """Rows a page lists: <tr> elements inside its table bodies."""
    return sum(len(_TR.findall(body)) for body in _TBODY.findall(content))


class _SqlTimer:
    """Sums the wall time of every query run on the connection (execute wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class _Samples:
    page: Page
    client: Client
    runs: int
    status: int = 0
    queries: int = 0
    rows: int = 0
    total: list = field(default_factory=list)
    sql: list = field(default_factory=list)
    cpu: list = field(default_factory=list)


def _get(client: Client, url: str):
    # secure=True: production settings redirect plain HTTP (SECURE_SSL_REDIRECT); the
    # TLS proxy in front of gunicorn is what makes requests secure in production.
    return client.get(url, secure=True)


def _start(page: Page, runs: int, warmup: int) -> _Samples:
    """Sign in, warm up, count the queries of one request and size the repeats."""
    client = Client()
    client.force_login(page.user)
    started = time.perf_counter()
    response = _get(client, page.url)
    first = time.perf_counter() - started
    if first * (runs + warmup) > PAGE_BUDGET_S:
        # Fewer repeats, never more than asked for.
        runs = min(runs, max(MIN_RUNS, int(PAGE_BUDGET_S / max(first, 0.001))))
        warmup = 0
    for _ in range(warmup):
        _get(client, page.url)
    with CaptureQueriesContext(connection) as ctx:
        response = _get(client, page.url)
    return _Samples(
        page=page,
        client=client,
        runs=runs,
        status=response.status_code,
        queries=len(ctx.captured_queries),
        rows=body_rows(response.content),
    )


def _time(samples: _Samples, n: int) -> None:
    timer = _SqlTimer()
    with connection.execute_wrapper(timer):
        for _ in range(n):
            timer.seconds = 0.0
            cpu = time.process_time()
            started = time.perf_counter()
            _get(samples.client, samples.page.url)
            samples.total.append((time.perf_counter() - started) * 1000)
            samples.cpu.append((time.process_time() - cpu) * 1000)
            samples.sql.append(timer.seconds * 1000)


def _result(samples: _Samples) -> PageResult:
    times = sorted(samples.total)
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    python = [t - q for t, q in zip(samples.total, samples.sql, strict=True)]
    return PageResult(
        key=samples.page.key,
        url=samples.page.url,
        role=samples.page.role,
        status=samples.status,
        queries=samples.queries,
        median_ms=round(statistics.median(times), 2),
        p95_ms=round(p95, 2),
        min_ms=round(times[0], 2),
        runs=len(times),
        sql_ms=round(statistics.median(samples.sql), 2),
        python_ms=round(statistics.median(python), 2),
        cpu_ms=round(statistics.median(samples.cpu), 2),
        rows=samples.rows,
    )


def measure_page(page: Page, *, runs: int = 30, warmup: int = 3) -> PageResult:
    samples = _start(page, runs, warmup)
    _time(samples, samples.runs)
    return _result(samples)


# Frames every request passes through (test client, handler, middleware chain, view
# decorators): they hold nearly all the cumulative time and say nothing about the page.
_WRAPPERS = re.compile(
    r"django/test/|django/core/handlers/|django/utils/deprecation\.py|middleware\.py|"
    r"django/contrib/auth/decorators\.py|psp_portal/logs\.py|django/views/decorators/|"
    r"bench/pages\.py"
)


def profile_page(page: Page, *, requests: int = PROFILE_REQUESTS, top: int = PROFILE_TOP):
    """The functions with the most cumulative CPU time per request (cProfile), wrappers
    left out.

    The profiler counts process CPU time, not wall time: waits for the database are in
    sql_ms, and other processes on a shared machine do not inflate the figures. cProfile
    slows Python down a few times over, so compare these figures with each other, not
    with the timed medians."""
    client = Client()
    client.force_login(page.user)
    _get(client, page.url)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        _get(client, page.url)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in stats.items():
        if filename == "~" or _WRAPPERS.search(filename):
            continue
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({name})",
                "calls": round(ncalls / requests, 1),
                "cumulative_ms": round(cumtime * 1000 / requests, 2),
                "own_ms": round(tottime * 1000 / requests, 2),
            }
        )
    rows.sort(key=lambda r: -r["cumulative_ms"])
    return rows[:top]


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    from django.conf import settings

    return filename.removeprefix(str(settings.BASE_DIR) + "/")


def _interleave(samples: list[_Samples]) -> None:
    """One request of every page per round, as many rounds as runs. Rounds of several
    requests per page let a slow spell of a few seconds land on a few pages only: on
    this 2-core virtual machine one page's ratio to the floor moved by a quarter between
    runs. A page cut to fewer runs (PAGE_BUDGET_S) leaves the later rounds."""
    for done in range(max(s.runs for s in samples)):
        for s in samples:
            if done < s.runs:
                _time(s, 1)


def measure_pages(
    *, runs: int = 30, only: list[str] | None = None, profile: bool = True
) -> list[dict]:
    with override_settings(ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="bench.urls"):
        pages = key_pages()
        if only:
            pages = [p for p in pages if p.key in only or p.key == "floor"]
        samples = [_start(p, runs, warmup=3) for p in pages]
        _interleave(samples)
        results = [_result(s) for s in samples]
        floor = results[0].median_ms or 0.001
        for r in results:
            r.ratio_to_floor = round(r.median_ms / floor, 1)
            if r.rows and r.key != "floor":
                r.ms_per_row = round(max(r.median_ms - floor, 0) / r.rows, 3)
        if profile:
            slowest = sorted(results[1:], key=lambda r: -r.median_ms)[:PROFILED_PAGES]
            by_key = {p.key: p for p in pages}
            for r in slowest:
                r.profile = profile_page(by_key[r.key])
    return [asdict(r) for r in results]


def flags(scale_results: dict[int, list[dict]]) -> list[str]:
    """The issue's targets: queries <= 15 and equal across scales; scale 1 times in budget."""
    out = []
    by_scale = {s: {r["key"]: r for r in rows} for s, rows in scale_results.items()}
    scales = sorted(by_scale)
    first = by_scale[scales[0]]
    for key, r in first.items():
        if key == "floor":
            continue
        if r["status"] != 200:
            out.append(f"{key}: HTTP {r['status']}")
        if r["queries"] > MAX_QUERIES:
            out.append(f"{key}: {r['queries']} queries (> {MAX_QUERIES})")
        if scales[0] == 1 and r["median_ms"] > MEDIAN_MS:
            out.append(f"{key}: median {r['median_ms']} ms (> {MEDIAN_MS:g}) at scale 1")
        if scales[0] == 1 and r["p95_ms"] > P95_MS:
            out.append(f"{key}: p95 {r['p95_ms']} ms (> {P95_MS:g}) at scale 1")
        for other in scales[1:]:
            o = by_scale[other].get(key)
            if o and o["queries"] != r["queries"]:
                out.append(
                    f"{key}: queries {r['queries']} at scale {scales[0]} vs {o['queries']} "
                    f"at scale {other}"
                )
    return out


ROLE_NAMES = roles.ALL_ROLES
