"""What the list pages show of screening, cached under everything screening reads.

The queue and the slate show three things of each SOI's screening: the result, whether
it was overridden, and the latest year's rate; the API's SOI list also gives each check
and its reasons. Screening a page of 25 SOIs from the database took five prefetch
queries and about half the queue's time (issue 20), while the answer changes only when
its inputs change. So the summary is cached, under a key made of every input that can
change:

- the SOI itself: its id, version, last update and the digest of the copy frozen at
  submission. A filed SOI is locked (no section can be saved once it is submitted), so
  its own rows (contacts, figures, letters, answers) do not change behind these;
- the cycle (population range, crime years, national rate), the national rate's row
  and the certification's row: a digest of all their fields;
- the overrides: rows are only ever added, so the latest one's id says which are in force;
- RULES_VERSION, raised whenever a check or its wording changes.

A change makes a new key, so no entry is ever stale: an old one is simply not read again
and expires. A miss screens the SOI exactly as the review page does (`screen`). The cache
is each process's own memory (settings: CACHES["screening"]): no network round trip, no
query, and nothing shared that could outlive the database it describes.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import OuterRef, Subquery, prefetch_related_objects

from applications.models import Application

from .models import ScreeningOverride
from .screening import RESULT_LABELS, SCREENING_JOINS, Screening, screen, screening_lookups

RULES_VERSION = 1
CACHE_ALIAS = "screening"


@dataclass(frozen=True)
class CheckSummary:
    key: str
    title: str
    result: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ScreeningSummary:
    """A screening as the lists read it: the queue and slate (result, override, latest
    rate) and the API's SOI list (each check with its reasons). Plain values only, so
    it can be cached; the review page reads the whole `Screening` (who overrode, why)."""

    result: str
    overridden: bool
    latest_rate: dict | None
    checks: tuple[CheckSummary, ...]

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]

    @classmethod
    def of(cls, screening: Screening) -> "ScreeningSummary":
        checks = tuple(
            CheckSummary(c.key, str(c.title), c.result, tuple(str(r) for r in c.reasons))
            for c in screening.checks
        )
        return cls(screening.result, screening.overridden, screening.latest_rate, checks)


def with_summary_inputs(queryset):
    """Load what `summary_key` reads: the joined rows and the latest override's id."""
    latest_override = ScreeningOverride.objects.filter(application=OuterRef("pk")).order_by("-pk")
    return queryset.select_related(*SCREENING_JOINS).annotate(
        latest_override_id=Subquery(latest_override.values("pk")[:1])
    )


def _fields_digest(*rows) -> str:
    values = [
        [getattr(row, field.attname) for field in row._meta.concrete_fields] if row else None
        for row in rows
    ]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:24]


def summary_key(application: Application) -> str:
    cycle = application.cycle
    certification = getattr(application, "certification", None)
    return ":".join(
        str(part)
        for part in (
            "screening",
            RULES_VERSION,
            application.pk,
            application.version,
            application.updated_at.isoformat(),
            application.snapshot_sha256,
            application.latest_override_id,
            _fields_digest(cycle, cycle.national_rate, certification),
        )
    )


def summaries_for(applications: list[Application]) -> dict[int, ScreeningSummary]:
    """Each SOI's summary by id. `applications` come from `with_summary_inputs`; the ones
    not cached are screened (five queries for any number of them) and cached."""
    cache = caches[CACHE_ALIAS]
    keys = {summary_key(application): application for application in applications}
    cached = cache.get_many(list(keys))
    summaries = {keys[key].pk: summary for key, summary in cached.items()}
    missing = {key: application for key, application in keys.items() if key not in cached}
    if missing:
        prefetch_related_objects(list(missing.values()), *screening_lookups())
        fresh = {key: ScreeningSummary.of(screen(app)) for key, app in missing.items()}
        summaries.update({missing[key].pk: summary for key, summary in fresh.items()})
        cache.set_many(fresh)
    return summaries
