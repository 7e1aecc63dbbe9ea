"""Server time and SQL queries of each role's key pages, measured with the test client.

Every request runs the whole middleware stack (sessions, CSRF, auth, CSP, MFA check).
The floor is a trivial view behind the same stack; each page's median is also given
as a multiple of it. The first requests warm caches and are not counted.
"""

import statistics
import time
from dataclasses import asdict, dataclass

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
    ratio_to_floor: float | None = None


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


def measure_page(page: Page, *, runs: int = 30, warmup: int = 3) -> PageResult:
    client = Client()
    client.force_login(page.user)
    started = time.perf_counter()
    response = client.get(page.url)
    first = time.perf_counter() - started
    if first * (runs + warmup) > PAGE_BUDGET_S:
        runs = max(MIN_RUNS, min(runs, int(PAGE_BUDGET_S / max(first, 0.001))))
        warmup = 0
    for _ in range(warmup):
        response = client.get(page.url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(page.url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return PageResult(
        key=page.key,
        url=page.url,
        role=page.role,
        status=response.status_code,
        queries=queries,
        median_ms=round(statistics.median(times), 2),
        p95_ms=round(p95, 2),
        min_ms=round(times[0], 2),
        runs=runs,
    )


def measure_pages(*, runs: int = 30, only: list[str] | None = None) -> list[dict]:
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        pages = key_pages()
        if only:
            pages = [p for p in pages if p.key in only or p.key == "floor"]
        results = [measure_page(p, runs=runs) for p in pages]
    floor = results[0].median_ms or 0.001
    for r in results:
        r.ratio_to_floor = round(r.median_ms / floor, 1)
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
