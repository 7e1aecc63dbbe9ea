"""The two places where apps built on intake extend an intake rule.

Intake imports none of the apps built on it: reviews depends on applications, never the
reverse. Three intake rules still need review data, so reviews fills them in here from
`ReviewsConfig.ready()`:

- which filed SOIs a reviewer may read on the intake pages (the ones assigned to them on
  which they declared no conflict: the declaration comes first on every route to the SOI);
- where a reviewer who has not declared yet is sent instead (the declaration page);
- what applicants are told about a filed SOI ("Under review", then the released decision
  and its letter).

Left unfilled, intake fails closed: reviewers read no SOI (and are sent nowhere), and a
filed SOI reads as its filing state.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Application


@dataclass(frozen=True)
class ApplicantStatus:
    """What an applicant is told: a label and, once a decision is released, its letter."""

    label: str
    letter_id: int | None = None  # the decision letter's reports.Report


@dataclass(frozen=True)
class ApplicantStatusSource:
    # Adds to a queryset what `stage` reads, in a fixed number of queries for the whole list.
    load: Callable[[QuerySet[Application]], QuerySet[Application]]
    # The status of a filed SOI past "Submitted", or None while there is none to tell.
    stage: Callable[[Application], ApplicantStatus | None]


_reviewer_scope: Callable[[object, QuerySet[Application]], QuerySet[Application]] | None = None
_declaration_gate: Callable[[object, int], str | None] | None = None
_applicant_status_source: ApplicantStatusSource | None = None


def register_reviewer_scope(narrow) -> None:
    """`narrow(user, queryset)` keeps the filed SOIs a reviewer may read."""
    global _reviewer_scope
    _reviewer_scope = narrow


def register_declaration_gate(gate) -> None:
    """`gate(user, pk)` is the URL a reviewer must visit before reading SOI `pk`, or None."""
    global _declaration_gate
    _declaration_gate = gate


def declaration_required_url(user, pk: int) -> str | None:
    if _declaration_gate is None:
        return None
    return _declaration_gate(user, pk)


def register_applicant_status(source: ApplicantStatusSource) -> None:
    global _applicant_status_source
    _applicant_status_source = source


def narrow_for_reviewer(user, queryset: QuerySet[Application]) -> QuerySet[Application]:
    if _reviewer_scope is None:
        return queryset.none()
    return _reviewer_scope(user, queryset)


def with_applicant_status(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Load what `applicant_status` reads for a whole list (a fixed number of queries)."""
    if _applicant_status_source is None:
        return queryset
    return _applicant_status_source.load(queryset)


def applicant_status(application: Application) -> ApplicantStatus:
    """What applicants are told: never scores, reviewers or unreleased decisions."""
    if application.status == Application.Status.SUBMITTED and _applicant_status_source:
        stage = _applicant_status_source.stage(application)
        if stage is not None:
            return stage
    return ApplicantStatus(str(application.get_status_display()))
