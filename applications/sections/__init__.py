"""The SOI's sections as data: one `Section` per section, in filing order.

Each section module holds the section's whole definition (forms, saver, completeness
rules, snapshot part, page and summary templates); this registry lists them. Everything that walks
the sections reads `SECTIONS`: the section page (views.sections), the draft service
(`application_section_save`), submission's completeness check, the snapshot and the
progress list. Completeness is computed from what is stored, never from the template,
so the review page, the progress list and `application_submit` agree.

Adding a section: write its module (see `base.Section`) and its two templates (the page,
extending applications/application_section.html, and its part of the summary), then list
it here. "Review and submit" is the last step and has no data of its own. The PDF receipt
(templates/pdf/soi_packet.html) still lays out each section itself.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import Http404

from ..models import Application
from . import certification, contacts, crime, ice, letters, narrative, profile
from .base import Section

__all__ = [
    "COMPLETE",
    "IN_PROGRESS",
    "NOT_STARTED",
    "SECTIONS",
    "SECTIONS_BY_KEY",
    "Section",
    "SectionProgress",
    "application_progress",
    "get_section",
    "incomplete_sections",
    "next_section",
    "with_sections",
]

SECTIONS: tuple[Section, ...] = (
    profile.SECTION,
    contacts.SECTION,
    crime.SECTION,
    narrative.SECTION,
    letters.SECTION,
    certification.SECTION,
    ice.SECTION,
)
SECTIONS_BY_KEY = MappingProxyType({section.key: section for section in SECTIONS})
if len(SECTIONS_BY_KEY) != len(SECTIONS):
    raise ImproperlyConfigured("Two SOI sections share a key.")

NOT_STARTED, IN_PROGRESS, COMPLETE = "not_started", "in_progress", "complete"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETE: "Complete"}


def get_section(key: str) -> Section:
    """The section called `key`; 404 for a name that is not one (it comes from the URL)."""
    try:
        return SECTIONS_BY_KEY[key]
    except KeyError:
        raise Http404("No such section.") from None


def next_section(section: Section) -> Section | None:
    """The section after `section` in filing order; None after the last one."""
    index = SECTIONS.index(section)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


@dataclass
class SectionProgress:
    key: str
    title: str
    state: str
    missing: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def application_progress(
    application: Application, *, with_urls: bool = True
) -> list[SectionProgress]:
    """Each section's state and what it misses. Prefetch sections to keep queries fixed.

    `with_urls=False` skips the seven `reverse()` calls for callers that only read the
    states (screening a page of 50 SOIs spent most of its time there)."""
    progress = []
    for section in SECTIONS:
        missing = section.missing(application)
        if not missing:
            state = COMPLETE
        elif section.is_started(application):
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        url = section.url(application) if with_urls else ""
        progress.append(SectionProgress(section.key, section.title, state, missing, url))
    return progress


def incomplete_sections(application: Application) -> list[Section]:
    """The sections that still miss something (what submission refuses on)."""
    return [section for section in SECTIONS if section.missing(application)]


def with_sections(queryset: QuerySet) -> QuerySet:
    """Prefetch everything the sections' checks, pages and snapshot parts read."""
    joined = [name for section in SECTIONS for name in section.select_related]
    prefetched = [name for section in SECTIONS for name in section.prefetch_related]
    return queryset.select_related(*joined).prefetch_related(*prefetched)
