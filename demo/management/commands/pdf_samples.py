"""Page images of one example PDF per report kind, from the demo data (`make pdf-samples`).

A reviewer of a change to a PDF template sees what a reader sees: the images are
committed under docs/pdf-samples/. Needs the demo data (`make demo`) and pdftoppm
(poppler-utils).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from reports.kinds import all_kinds, get_kind
from reports.models import Report
from reports.pdf import html_to_pdf
from reports.services import _pdf_context


def _decision(outcome):
    from reviews.models import Decision

    decision = (
        Decision.objects.filter(outcome=outcome, reversed_at=None, released_at__isnull=False)
        .order_by("pk")
        .first()
    )
    return {"decision_id": decision.pk} if decision else None


def _site_params():
    from engagements.models import Engagement

    latest = Engagement.objects.filter(status="delivered").order_by("-start_date").first()
    if latest is None:
        return None
    return {"site_id": latest.site_id, "year": latest.start_date.year}


def _samples() -> dict[str, list[tuple[str, dict | None]]]:
    from applications.models import Application, Cycle
    from engagements.models import NarrativeUpdate

    application = Application.objects.exclude(snapshot=None).order_by("pk").first()
    cycle = Cycle.objects.filter(applications__decisions__isnull=False).order_by("pk").first()
    narrative = NarrativeUpdate.objects.order_by("pk").first()
    today = timezone.localdate()
    return {
        "soi_packet": [("", application and {"application_id": application.pk})],
        "decision_letter": [
            ("-selected", _decision("selected")),
            ("-not-selected", _decision("not_selected")),
        ],
        "selection_slate": [("", cycle and {"cycle_id": cycle.pk})],
        "site_engagement": [("", _site_params())],
        "program_report": [
            ("", {"start": f"{today.year - 1}-01-01", "end": today.isoformat()}),
        ],
        "outcome_report": [("", {})],  # every cohort's verified figures
        "half_year_narrative": [
            (
                "",
                narrative
                and {"site_id": narrative.site_id, "year": narrative.year, "half": narrative.half},
            )
        ],
    }


class Command(BaseCommand):
    help = "Write PNG page images of one example PDF per report kind (demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "pdf-samples"))
        parser.add_argument("--pages", type=int, default=2, help="pages per example")
        parser.add_argument("--dpi", type=int, default=50)

    def handle(self, *args, out, pages, dpi, **options):
        if not shutil.which("pdftoppm"):
            raise CommandError("pdftoppm is required (apt-get install poppler-utils).")
        requester = (
            User.objects.filter(groups__permissions__codename="configure_reports")
            .order_by("pk")
            .first()
        )
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("*.png"):
            old.unlink()
        samples = _samples()
        missing = []
        for kind in all_kinds():
            if kind.slug.startswith("test"):
                continue
            for suffix, params in samples.get(kind.slug, [("", None)]):
                if params is None:
                    missing.append(kind.slug + suffix)
                    continue
                report = Report(pk=0, kind=kind.slug, params=params, requested_by=requester)
                context = _pdf_context(report, get_kind(kind.slug))
                pdf_bytes, page_count = html_to_pdf(kind.template_name, context)
                with tempfile.TemporaryDirectory() as tmp:
                    pdf_path = Path(tmp) / "sample.pdf"
                    pdf_path.write_bytes(pdf_bytes)
                    prefix = out_dir / f"{kind.slug}{suffix}"
                    subprocess.run(
                        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages),
                         str(pdf_path), str(prefix)],
                        check=True,
                    )  # fmt: skip
                self.stdout.write(f"{kind.slug}{suffix}: {page_count} pages")
        if missing:
            self.stdout.write(
                self.style.WARNING(f"No demo example for: {', '.join(missing)} (run `make demo`).")
            )
        self.stdout.write(f"Images in {out_dir}.")
