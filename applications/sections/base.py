"""What a section of the Statement of Interest is: one frozen record of its parts.

A section owns its form(s), its saver, its completeness rules, its part of the frozen
snapshot and its page template. The registry (`applications.sections.SECTIONS`) lists
them in filing order; views, the draft service, submission, the snapshot and the
progress list all read it, so adding or changing a section touches only its own module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from accounts.models import User

from ..models import Application


def never_extra(application: Application) -> dict:
    return {}


def saved_once(application: Application, key: str) -> bool:
    """A section is started once it has been saved (the service records every save)."""
    return key in (application.section_saves or {})


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    # Completeness: the labels of what the section still misses; [] means complete.
    # Reads only prefetched data (see `select_related`/`prefetch_related`).
    missing: Callable[[Application], list[str]]
    # The section's part of the frozen snapshot, stored under `snapshot_key`. Changing a
    # part's shape changes the digest of SOIs rebuilt later: bump SNAPSHOT_FORMAT.
    snapshot_key: str
    snapshot: Callable[[Application], Any]
    # How that part reads in the summary (review page, SOI page): a template given
    # `part` (the snapshot part) and `number` (the section's place in filing order).
    summary_template: str
    # Relations the checks, the page and the snapshot read, joined or prefetched once.
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # Whether the applicant has begun it (for "In progress" versus "Not started").
    started: Callable[[Application], bool] | None = None
    # Editing on the generic section page (`applications:section`). A section with its
    # own page (letters) leaves these None and names its URL in `url_name`.
    # forms(application, data) -> the bound (POST) or initial (GET) forms;
    forms: Callable[[Application, Any], list] | None = None
    # cleaned(forms) -> the data its saver takes;
    cleaned: Callable[[list], dict] | None = None
    # save(locked, data, actor) -> the Application fields it set. It runs inside
    # `application_section_save`, under the draft's row lock, after the stale check,
    # and writes exactly its own fields and rows.
    save: Callable[[Application, dict, User], list[str]] | None = None
    # The page: a template extending applications/application_section.html, and extra
    # context it needs.
    template: str = "applications/application_section.html"
    context: Callable[[Application], dict] = never_extra
    url_name: str = "applications:section"

    @property
    def has_form(self) -> bool:
        return self.forms is not None

    def is_started(self, application: Application) -> bool:
        if self.started is not None:
            return self.started(application)
        return saved_once(application, self.key)

    def url(self, application: Application) -> str:
        if self.url_name == "applications:section":
            return reverse(self.url_name, args=[application.pk, self.key])
        return reverse(self.url_name, args=[application.pk])


def label_of(choices, value) -> str:
    """The display label of a stored choice ("" for none), as plain text for the snapshot."""
    return str(dict(choices).get(value, value or ""))


def own_keys(data: dict, allowed, section: str) -> list:
    """The keys of `data` that the section owns; anything else is a programming error."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Not part of the {section} section: {sorted(map(str, unknown))}")
    return [key for key in allowed if key in data]


def save_row(row, actor: User) -> None:
    row._history_user = actor  # the audit row names the person, not "system"
    row.save()
