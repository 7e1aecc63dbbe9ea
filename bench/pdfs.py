"""PDF timings: the whole report pipeline against WeasyPrint alone on the same HTML.

Each case runs in its own process (`manage.py bench --stage pdf --case ...`) so the
peak resident memory (ru_maxrss) belongs to that one render.
"""

import datetime
import resource
import time

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from reports.kinds import get_kind
from reports.models import Report
from reports.pdf import PDF_OPTIONS, html_to_pdf, static_files_url_fetcher
from reports.services import _pdf_context
from sites.models import Site

from .datagen import EMAIL_DOMAIN

CASES = ("site_1000", "site_typical", "program_100", "outcomes_100")


def _report_for(case: str) -> Report:
    admin = User.objects.get(email=f"admin0@{EMAIL_DOMAIN}")
    sites = list(Site.objects.order_by("pk")[:2])
    wide = {
        "start": "2010-01-01",
        "end": (timezone.localdate() + datetime.timedelta(1)).isoformat(),
    }
    if case == "site_1000":
        return Report(kind="site_engagement", params={"site_id": sites[0].pk, **wide},
                      requested_by=admin)  # fmt: skip
    if case == "site_typical":
        return Report(kind="site_engagement", params={"site_id": sites[1].pk, **wide},
                      requested_by=admin)  # fmt: skip
    if case == "outcomes_100":  # every site (100 at scale 1), 8 years each
        return Report(kind="outcome_report", params={}, requested_by=admin)
    today = timezone.localdate()
    return Report(kind="program_report",
                  params={"start": f"{today.year - 1}-01-01", "end": today.isoformat()},
                  requested_by=admin)  # fmt: skip


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def measure_case(case: str, mode: str) -> dict:
    """mode "full": context + template + WeasyPrint; "weasy": WeasyPrint alone on that HTML."""
    from weasyprint import HTML  # imported before timing: the import is not the render

    report = _report_for(case)
    kind = get_kind(report.kind)
    before = _rss_mb()
    if mode == "full":
        started = time.perf_counter()
        context = _pdf_context(report, kind)
        pdf, pages = html_to_pdf(kind.template_name, context)
        elapsed = time.perf_counter() - started
    else:
        html = render_to_string(kind.template_name, _pdf_context(report, kind))
        base_url = f"{settings.SITE_URL}/"
        started = time.perf_counter()
        document = HTML(
            string=html, base_url=base_url, url_fetcher=static_files_url_fetcher(base_url)
        ).render(**PDF_OPTIONS)
        pdf, pages = document.write_pdf(**PDF_OPTIONS), len(document.pages)
        elapsed = time.perf_counter() - started
    rows = None
    if report.kind == "site_engagement":
        rows = len(_pdf_context(report, kind).get("delivered", []) or [])
    return {
        "case": case,
        "kind": report.kind,
        "mode": mode,
        "seconds": round(elapsed, 2),
        "pages": pages,
        "bytes": len(pdf),
        "rows": rows,
        "rss_before_mb": before,
        "peak_rss_mb": _rss_mb(),
    }
