"""The registry of report kinds.

Each app declares the reports about its own data in `<app>/report_kinds.py`, a
module or a package (imported by `ReportsConfig.ready()`), so the pipeline knows
nothing about Statements of Interest or sites: it renders `kind.template_name` with
`kind.build_context(report)` and asks `kind.can_view(user, report)` who may
see the result.

    # engagements/report_kinds/site_engagement.py
    from reports.kinds import ReportKind, register

    register(ReportKind(
        slug="site_engagement",
        title="Site engagement report",
        template_name="pdf/site_engagement.html",   # {% extends "pdf/base.html" %}
        build_context=site_engagement_context,      # (report) -> dict, from report.params ids
        can_view=can_view_site_report,              # (user, report) -> bool
        params_form=SiteEngagementReportForm,       # None: produced by the system only
    ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from django import forms

    from accounts.models import User
    from reports.models import Report


# Who reads a kind's PDFs. Internal: DOJ staff; the PDF carries the CUI banner and
# designation block from the report settings. External: the applicant (receipt,
# letters); no handling marking.
INTERNAL = "internal"
EXTERNAL = "external"


class UnknownReportKind(LookupError):
    """No kind is registered under this slug."""


@dataclass(frozen=True)
class ReportKind:
    slug: str  # "soi_packet"; stored on Report.kind
    title: str  # "Statement of Interest packet"; the cover's title
    template_name: str  # "pdf/soi_packet.html", which extends "pdf/base.html"
    build_context: Callable[[Report], dict[str, Any]]  # the template's data, from report.params
    can_view: Callable[[User, Report], bool]  # who may see status / download this report
    # Users request the report from this form (None: produced by the system only).
    # The request view passes `user=request.user` when the form's __init__ accepts a
    # `user` keyword (to limit choices to what the user may see), and stores
    # `form.to_params()` when the form defines it, else cleaned_data with model
    # instances reduced to their ids and dates to ISO strings.
    params_form: type[forms.Form] | None = None
    # After the PDF is stored (e.g. mail a link). Called at most once per report.
    on_ready: Callable[[Report], None] | None = None
    # The download's file name; default "<slug>-<pk>.pdf".
    filename: Callable[[Report], str] | None = None
    # Who may open the request form (None: any signed-in user; the form still
    # refuses parameters the user may not see).
    can_request: Callable[[User], bool] | None = None
    # The system must deliver it and nobody can ask again (the SOI receipt): the
    # sweeper re-runs a failed one, whatever the error, until it succeeds or its
    # attempts run out, and then program admins are alerted.
    rerun_until_ready: bool = False
    # INTERNAL (marked CUI) or EXTERNAL (sent to applicants, unmarked). Internal by
    # default: a kind that forgets to say is marked rather than leaked unmarked.
    audience: str = INTERNAL

    def __post_init__(self):
        if self.audience not in (INTERNAL, EXTERNAL):
            raise ValueError(f"audience must be {INTERNAL!r} or {EXTERNAL!r}")

    @property
    def is_internal(self) -> bool:
        return self.audience == INTERNAL

    def filename_for(self, report: Report) -> str:
        name = self.filename(report) if self.filename else f"{self.slug}-{report.pk}.pdf"
        return name if name.lower().endswith(".pdf") else f"{name}.pdf"


_registry: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Declare a kind. Registering the same object twice is harmless; two kinds may not share a slug."""
    existing = _registry.get(kind.slug)
    if existing is not None and existing is not kind:
        raise ValueError(f"A report kind is already registered as {kind.slug!r}.")
    _registry[kind.slug] = kind
    return kind


def unregister(slug: str) -> None:
    """Forget a kind (tests register their own kinds and clean up)."""
    _registry.pop(slug, None)


def get_kind(slug: str) -> ReportKind:
    try:
        return _registry[slug]
    except KeyError:
        raise UnknownReportKind(slug) from None


def all_kinds() -> list[ReportKind]:
    return sorted(_registry.values(), key=lambda kind: kind.title)
