"""Every change to outcome figures, one function each (guard -> atomic write -> audit -> after commit)."""

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.crime import check_figures
from sites.models import Site

from .access import can_enter, can_manage_outcomes, can_review
from .models import OFFENSE_FIELDS, OutcomeDueDate, OutcomeYear
from .selectors import baseline_years_for, tracked_years

Status = OutcomeYear.Status


class OutcomeError(Exception):
    """A step that is not allowed or figures that cannot be right; the message says why."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class TransitionNotAllowed(OutcomeError):
    pass


def _locked_row(site: Site, year: int) -> OutcomeYear | None:
    return OutcomeYear.objects.select_for_update().filter(site=site, year=year).first()


def outcome_baseline_from_soi(*, site: Site, actor=None) -> int:
    """Copy the SOI's three baseline years into verified baseline rows; safe to repeat.

    Returns how many rows were created. Years already present are left alone (a
    liaison may have returned and corrected one).
    """
    if not site.application_id:
        return 0
    from applications.models import CrimeFigures

    created = 0
    with transaction.atomic():
        existing = set(OutcomeYear.objects.filter(site=site).values_list("year", flat=True))
        for figures in CrimeFigures.objects.filter(application_id=site.application_id):
            if figures.year in existing:
                continue
            row = OutcomeYear(
                site=site,
                year=figures.year,
                is_baseline=True,
                status=Status.VERIFIED,
                origin=OutcomeYear.Origin.SOI,
                population=figures.population,
                source=figures.data_source,
                note=_("Baseline from the Statement of Interest."),
                entered_at=timezone.now(),
                reviewed_at=timezone.now(),
                **{name: getattr(figures, name) for name in OFFENSE_FIELDS},
            )
            row._history_user = actor  # None: copied by the system at selection
            row.save()
            created += 1
    return created


def _check(values: dict) -> dict[str, str]:
    counts = {name: values.get(name) for name in OFFENSE_FIELDS}
    errors = check_figures(counts, values.get("population"))
    if values.get("source") not in OutcomeYear.Source.values:
        errors["source"] = _("Choose where the figures come from.")
    return errors


def outcome_enter(
    *,
    site: Site,
    year: int,
    actor,
    murder: int | None,
    rape: int | None,
    robbery: int | None,
    aggravated_assault: int | None,
    population: int | None,
    source: str,
    note: str = "",
    is_baseline: bool | None = None,
    submit: bool = False,
    origin: str = OutcomeYear.Origin.ENTERED,
) -> OutcomeYear:
    """Save a year's figures (due or returned), and submit them to the liaison when asked.

    Only the site's own users and staff with outcomes.manage_outcomes may enter; a
    year must have ended, and a submitted or verified year is not editable.
    """
    if not can_enter(actor, site):
        raise OutcomeError(_("You may not enter figures for this site."))
    if year >= timezone.localdate().year:
        raise OutcomeError(_("Figures can be entered once the year has ended."))
    values = {
        "murder": murder,
        "rape": rape,
        "robbery": robbery,
        "aggravated_assault": aggravated_assault,
        "population": population,
        "source": source,
    }
    errors = _check(values)
    if errors:
        raise OutcomeError(_("Check the figures."), errors)
    with transaction.atomic():
        # Row lock: the site user and a colleague (or the liaison returning it) may
        # act on the same year at once; the second waits and sees the first's state.
        row = _locked_row(site, year)
        if row is None:
            site_rows = list(OutcomeYear.objects.filter(site=site))
            # Staff may add any year (a correction outside the usual range); the site
            # reports the years it is followed for.
            if year not in tracked_years(site, site_rows) and not can_manage_outcomes(actor):
                raise OutcomeError(_("This year is not one the site reports."))
            row = OutcomeYear(
                site=site,
                year=year,
                status=Status.DUE,
                is_baseline=year in baseline_years_for(site, site_rows),
            )
        elif not row.is_editable:
            raise TransitionNotAllowed(
                _(
                    "These figures are %(status)s; they can be changed once the liaison returns them."
                )
                % {"status": row.get_status_display().lower()}
            )
        for name, value in values.items():
            setattr(row, name, value)
        row.note = note or ""
        row.origin = origin
        if is_baseline is not None:
            row.is_baseline = is_baseline
        row.entered_by = actor
        row.entered_at = timezone.now()
        if submit:
            row.status = Status.SUBMITTED
            row.submitted_at = timezone.now()
        row._history_user = actor
        row.save()
    return row


def outcome_submit(*, outcome: OutcomeYear, actor) -> OutcomeYear:
    """Send entered figures to the liaison for verification."""
    if not can_enter(actor, outcome.site):
        raise OutcomeError(_("You may not submit figures for this site."))
    with transaction.atomic():
        row = OutcomeYear.objects.select_for_update().get(pk=outcome.pk)
        if not row.can_move_to(Status.SUBMITTED):
            raise TransitionNotAllowed(_("Only due or returned figures can be submitted."))
        errors = _check(
            {name: getattr(row, name) for name in (*OFFENSE_FIELDS, "population", "source")}
        )
        if errors:
            raise OutcomeError(_("Enter every figure before submitting."), errors)
        row.status = Status.SUBMITTED
        row.submitted_at = timezone.now()
        row._history_user = actor
        row.save(update_fields=["status", "submitted_at"])
    return row


def outcome_verify(*, outcome: OutcomeYear, actor) -> OutcomeYear:
    """The liaison confirms submitted figures; they then count in every figure and report."""
    if not can_review(actor, outcome.site):
        raise OutcomeError(_("Only the site's liaison verifies its figures."))
    with transaction.atomic():
        # Row lock: the site may be editing (it cannot once submitted) or a second
        # click may verify twice; one history row per real change.
        row = OutcomeYear.objects.select_for_update().get(pk=outcome.pk)
        if not row.can_move_to(Status.VERIFIED):
            raise TransitionNotAllowed(_("Only submitted figures can be verified."))
        row.status = Status.VERIFIED
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        row.return_reason = ""
        row._history_user = actor
        row.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    return row


def outcome_return(*, outcome: OutcomeYear, reason: str, actor) -> OutcomeYear:
    """The liaison sends figures back to the site with a reason; the site is told by mail."""
    if not can_review(actor, outcome.site):
        raise OutcomeError(_("Only the site's liaison returns its figures."))
    reason = (reason or "").strip()
    if not reason:
        raise OutcomeError(
            _("Say why the figures go back."), {"reason": _("Enter the reason for returning.")}
        )
    with transaction.atomic():
        row = OutcomeYear.objects.select_for_update().get(pk=outcome.pk)
        if not row.can_move_to(Status.RETURNED):
            raise TransitionNotAllowed(_("Only submitted or verified figures can be returned."))
        row.status = Status.RETURNED
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        row.return_reason = reason
        row._history_user = actor
        row.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
        # After commit: a worker must find the returned row, and a rollback sends nothing.
        transaction.on_commit(partial(_enqueue_returned_mail, row.pk))
    return row


def _enqueue_returned_mail(outcome_id: int) -> None:
    from .tasks import outcome_returned_mail_task

    outcome_returned_mail_task.delay(outcome_id)


def outcome_due_date_set(*, year: int, due_on: datetime.date, actor) -> OutcomeDueDate:
    """Set (or move) the date a year's figures fall due; a date already passed opens them now."""
    if not can_manage_outcomes(actor):
        raise OutcomeError(_("Only program admins set due dates."))
    with transaction.atomic():
        due, _created = OutcomeDueDate.objects.select_for_update().get_or_create(
            year=year, defaults={"due_on": due_on}
        )
        due.due_on = due_on
        due.set_by = actor
        due._history_user = actor
        due.save()
        if due_on <= timezone.localdate():
            # After commit, so the task sees the new date.
            transaction.on_commit(_enqueue_open_due)
    return due


def _enqueue_open_due() -> None:
    from .tasks import outcomes_open_due_task

    outcomes_open_due_task.delay()


def outcomes_open_due(*, today: datetime.date | None = None) -> int:
    """Open every year whose due date has come: a "due" row per site that reports it,
    then one reminder per row (sent once). Safe to run daily and repeatedly.

    Also copies any SOI baseline a site is still missing (the receiver's safety net).
    Returns how many rows were opened.
    """
    today = today or timezone.localdate()
    for site in Site.objects.filter(application__isnull=False).exclude(
        outcome_years__is_baseline=True
    ):
        outcome_baseline_from_soi(site=site)
    opened = 0
    due_years = list(
        OutcomeDueDate.objects.filter(due_on__lte=today).values_list("year", flat=True)
    )
    if not due_years:
        return 0
    sites = list(Site.objects.all())
    rows = OutcomeYear.objects.filter(site__in=sites)
    present: dict[int, list[OutcomeYear]] = {}
    for row in rows:
        present.setdefault(row.site_id, []).append(row)
    for site in sites:
        site_rows = present.get(site.pk, [])
        have = {row.year for row in site_rows}
        wanted = set(tracked_years(site, site_rows))
        for year in due_years:
            if year in wanted and year not in have and year >= site.start_date.year:
                row = OutcomeYear(site=site, year=year, status=Status.DUE)
                row._history_user = None  # opened by the schedule
                row.save()
                opened += 1
    OutcomeDueDate.objects.filter(year__in=due_years, opened_at=None).update(
        opened_at=timezone.now()
    )
    for outcome_id in OutcomeYear.objects.filter(
        status=Status.DUE, reminded_at=None, year__in=due_years
    ).values_list("pk", flat=True):
        transaction.on_commit(partial(_enqueue_reminder, outcome_id))
    return opened


def _enqueue_reminder(outcome_id: int) -> None:
    from .tasks import outcome_reminder_task

    outcome_reminder_task.delay(outcome_id)
