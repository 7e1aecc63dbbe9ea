"""Every state change in review and selection, each naming the acting user.

Each service guards, writes inside a transaction, leaves an audit row
(`obj._history_user = actor`), and defers side effects until after commit.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications.models import Application, Cycle
from applications.services import cycle_save

from .models import (
    CRITERION_KEYS,
    MAX_SCORE,
    ConflictDeclaration,
    Decision,
    Review,
    ReviewAssignment,
    ScreeningOverride,
    SelectionCapChange,
)
from .screening import CHECK_TITLES, FAIL, OVERALL, screen, screening_prefetch


class ReviewError(Exception):
    """The move is not allowed now; the message is meant for the user."""


class TransitionNotAllowed(ReviewError):
    """A workflow move that is illegal from the current state."""


class DecisionConflict(TransitionNotAllowed):
    """Another official recorded a decision on this SOI first."""


def _require(user, perm: str, message: str) -> None:
    # Views check first; services check again so no caller can skip the rule.
    if not user.has_perm(perm):
        raise ReviewError(message)


def _require_submitted(application: Application) -> None:
    if application.status == Application.Status.WITHDRAWN:
        raise TransitionNotAllowed("This Statement of Interest was withdrawn.")
    if application.status != Application.Status.SUBMITTED:
        raise TransitionNotAllowed("Only a submitted Statement of Interest can be reviewed.")


def _decision_in_force(application) -> Decision | None:
    return Decision.objects.filter(application=application, reversed_at=None).first()


# --- assignment and conflicts -------------------------------------------------------------


def _check_assignable(application: Application, reviewer) -> None:
    _require_submitted(application)
    if not reviewer.is_active or not reviewer.has_perm("applications.review_application"):
        raise ReviewError(f"{reviewer} is not an active reviewer.")
    if ConflictDeclaration.objects.filter(
        application=application, reviewer=reviewer, has_conflict=True
    ).exists():
        raise ReviewError(f"{reviewer} declared a conflict of interest on {application}.")


# Reviews are due this many days after the cycle closes, and never sooner than
# REVIEW_MIN_DAYS after assignment (a late assignment still gets time to read).
REVIEW_DUE_DAYS_AFTER_CLOSE = 21
REVIEW_MIN_DAYS = 14


def review_due_default(cycle: Cycle, *, today: datetime.date | None = None) -> datetime.date:
    """The due date an assignment gets when the official does not set one."""
    today = today or timezone.localdate()
    after_close = timezone.localdate(cycle.closes_at) + datetime.timedelta(
        days=getattr(settings, "REVIEW_DUE_DAYS_AFTER_CLOSE", REVIEW_DUE_DAYS_AFTER_CLOSE)
    )
    return max(after_close, today + datetime.timedelta(days=REVIEW_MIN_DAYS))


@transaction.atomic
def reviewer_assign(
    *, application: Application, reviewer, actor, due_date: datetime.date | None = None
) -> ReviewAssignment:
    """Ask one reviewer to score one SOI by `due_date` (default: review_due_default)."""
    _require(actor, "applications.assign_reviewers", "You may not assign reviewers.")
    # Row lock: a withdrawal racing the assignment is seen before the row is written.
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_assignable(application, reviewer)
    if ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ReviewError(f"{reviewer} is already assigned to {application}.")
    if due_date is not None and due_date < timezone.localdate():
        raise ReviewError("The due date cannot be in the past.")
    assignment = ReviewAssignment(
        application=application,
        reviewer=reviewer,
        assigned_by=actor,
        due_date=due_date or review_due_default(application.cycle),
    )
    assignment._history_user = actor
    try:
        with transaction.atomic():  # savepoint: a double click hits the unique constraint
            assignment.save()
    except IntegrityError:
        raise ReviewError(f"{reviewer} is already assigned to {application}.") from None
    from notifications.schedules import review_assigned_notify

    review_assigned_notify(assignment=assignment)  # queued; mailed after commit
    return assignment


def reviewers_assign_bulk(
    *, applications, reviewers, actor, due_date: datetime.date | None = None
) -> tuple[int, list[str]]:
    """Assign every reviewer to every SOI; returns (created, reasons for the pairs skipped)."""
    _require(actor, "applications.assign_reviewers", "You may not assign reviewers.")
    created, skipped = 0, []
    with transaction.atomic():
        for application in applications:
            for reviewer in reviewers:
                try:
                    reviewer_assign(
                        application=application, reviewer=reviewer, actor=actor, due_date=due_date
                    )
                except ReviewError as exc:
                    skipped.append(str(exc))
                else:
                    created += 1
    return created, skipped


@transaction.atomic
def conflict_declare(
    *, application: Application, reviewer, has_conflict: bool, explanation: str, actor
) -> ConflictDeclaration:
    """Record an assigned reviewer's declaration; it is final and kept."""
    if actor.pk != reviewer.pk:
        raise ReviewError("Reviewers declare their own conflicts.")
    if not ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ReviewError("You are not assigned to this Statement of Interest.")
    explanation = (explanation or "").strip()
    if has_conflict and not explanation:
        raise ReviewError("Describe the conflict of interest.")
    if ConflictDeclaration.objects.filter(application=application, reviewer=reviewer).exists():
        raise TransitionNotAllowed("You have already declared on this Statement of Interest.")
    declaration = ConflictDeclaration(
        application=application,
        reviewer=reviewer,
        has_conflict=has_conflict,
        explanation=explanation,
    )
    declaration._history_user = actor
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        raise TransitionNotAllowed(
            "You have already declared on this Statement of Interest."
        ) from None
    return declaration


# --- scoring ------------------------------------------------------------------------------

REVIEW_FIELDS = [
    *(f"score_{k}" for k in CRITERION_KEYS),
    *(f"comment_{k}" for k in CRITERION_KEYS),
    "recommendation",
    "notes",
]


def _editable_review(assignment: ReviewAssignment, actor) -> Review:
    if actor.pk != assignment.reviewer_id:
        raise ReviewError("Only the assigned reviewer can score this Statement of Interest.")
    # Lock the assignment: two tabs saving the same review write one after the other.
    assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    application = assignment.application
    _require_submitted(application)
    declaration = ConflictDeclaration.objects.filter(
        application=application, reviewer=actor
    ).first()
    if declaration is None:
        raise ReviewError("Declare whether you have a conflict of interest first.")
    if declaration.has_conflict:
        raise ReviewError("You declared a conflict of interest on this Statement of Interest.")
    if _decision_in_force(application) is not None:
        raise TransitionNotAllowed("A decision has been recorded; scores can no longer change.")
    review, _ = Review.objects.get_or_create(assignment=assignment)
    if review.status == Review.Status.SUBMITTED:
        raise TransitionNotAllowed(
            "This review was submitted; a selecting official must reopen it first."
        )
    return review


def _apply(review: Review, data: dict) -> None:
    errors = {}
    for key in CRITERION_KEYS:
        value = data.get(f"score_{key}")
        if value in ("", None):
            value = None
        else:
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[f"score_{key}"] = "Enter a whole number from 0 to 5."
                continue
            if not 0 <= value <= MAX_SCORE:
                errors[f"score_{key}"] = "Scores run from 0 to 5."
                continue
        setattr(review, f"score_{key}", value)
    if errors:
        raise ReviewError("; ".join(errors.values()))
    recommendation = data.get("recommendation") or ""
    if recommendation and recommendation not in Review.Recommendation.values:
        raise ReviewError("Choose select, do not select or discuss.")
    review.recommendation = recommendation
    for key in CRITERION_KEYS:
        setattr(review, f"comment_{key}", (data.get(f"comment_{key}") or "").strip())
    review.notes = (data.get("notes") or "").strip()


@transaction.atomic
def review_save_draft(*, assignment: ReviewAssignment, data: dict, actor) -> Review:
    """Save scores so far; nothing is required yet."""
    review = _editable_review(assignment, actor)
    _apply(review, data)
    review._history_user = actor
    review.save()
    return review


@transaction.atomic
def review_submit(*, assignment: ReviewAssignment, data: dict, actor) -> Review:
    """Submit a complete review; it is then locked until a selecting official reopens it."""
    review = _editable_review(assignment, actor)
    _apply(review, data)
    missing = [k for k in CRITERION_KEYS if getattr(review, f"score_{k}") is None]
    if missing:
        raise ReviewError("Score every criterion before submitting.")
    if not review.recommendation:
        raise ReviewError("Choose a recommendation before submitting.")
    review.status = Review.Status.SUBMITTED
    review.total_score = sum(getattr(review, f"score_{k}") for k in CRITERION_KEYS)
    review.submitted_at = timezone.now()
    review._history_user = actor
    review.save()
    return review


@transaction.atomic
def review_reopen(*, review: Review, reason: str, actor) -> Review:
    """Return a submitted review to its reviewer as a draft (selecting officials only)."""
    _require(actor, "applications.decide_application", "Only a selecting official can reopen.")
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not review.can_move_to(Review.Status.DRAFT):
        raise TransitionNotAllowed("Only a submitted review can be reopened.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Give a reason for reopening the review.")
    if _decision_in_force(review.assignment.application) is not None:
        raise TransitionNotAllowed("A decision has been recorded; reverse it before rescoring.")
    review.status = Review.Status.DRAFT
    review.total_score = None  # out of the average until resubmitted
    review.reopened_by, review.reopened_at, review.reopen_reason = actor, timezone.now(), reason
    review._history_user = actor
    review.save()
    return review


# --- screening ----------------------------------------------------------------------------


@transaction.atomic
def screening_override(
    *, application: Application, check_key: str, result: str, reason: str, actor
) -> ScreeningOverride:
    """Set a screening check (or the overall result) by hand, with a written reason."""
    _require(actor, "applications.override_screening", "Only a selecting official can override.")
    if check_key != OVERALL and check_key not in CHECK_TITLES:
        raise ReviewError("Choose a screening check.")
    if result not in ScreeningOverride.Result.values:
        raise ReviewError("Choose pass or fail.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Give the reason for the override.")
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_submitted(application)
    override = ScreeningOverride(
        application=application,
        check_key=check_key,
        result=result,
        reason=reason,
        overridden_by=actor,
    )
    override._history_user = actor
    override.save()
    return override


# --- decisions ----------------------------------------------------------------------------


def _selected_in_force(cycle: Cycle) -> int:
    return Decision.objects.filter(
        application__cycle=cycle, outcome=Decision.Outcome.SELECTED, reversed_at=None
    ).count()


def _cap_message(cycle: Cycle, selected: int) -> str:
    return (
        f"This cycle takes {cycle.max_sites} site{'s' if cycle.max_sites != 1 else ''} and "
        f"{selected} {'is' if selected == 1 else 'are'} selected. A program admin can raise "
        "the number of sites on the selection slate, with a reason."
    )


def _check_cap(cycle: Cycle, *, adding: int) -> None:
    """Refuse when the selections in force (plus `adding`) would exceed the cycle's cap."""
    if cycle.max_sites is None:
        return
    selected = _selected_in_force(cycle)
    if selected + adding > cycle.max_sites:
        raise TransitionNotAllowed(_cap_message(cycle, selected))


def _create_site(*, application: Application, actor):
    """The site for a selected SOI: the one a reversed selection left (reinstated), else new."""
    from sites.models import Site
    from sites.services import SiteError, site_create_from_application, site_reinstate

    site = Site.objects.filter(application=application).first()
    if site is not None:
        if site.phase == Site.Phase.WITHDRAWN:
            return site_reinstate(site=site, actor=actor)
        return site
    try:
        return site_create_from_application(application=application, actor=actor)
    except SiteError as exc:
        raise ReviewError(f"The site could not be created: {exc}") from exc


@transaction.atomic
def decision_record(*, application: Application, outcome: str, rationale: str, actor) -> Decision:
    """Record the decision on one SOI; a selection must fit the cycle's cap."""
    _require(actor, "applications.decide_application", "Only a selecting official can decide.")
    if outcome not in Decision.Outcome.values:
        raise ReviewError("Choose selected or not selected.")
    rationale = (rationale or "").strip()
    if not rationale:
        raise ReviewError("Give the rationale for the decision.")
    # Row lock on the SOI: a second official deciding at the same moment waits here,
    # then finds the first decision and is told so, instead of writing a second one.
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_submitted(application)
    existing = _decision_in_force(application)
    if existing is not None:
        raise DecisionConflict(_already_decided(existing))
    screening = screen(screening_prefetch(Application.objects.filter(pk=application.pk)).get())
    if screening.result == FAIL:
        failed = ", ".join(c.title for c in screening.checks if c.result == FAIL) or "overall"
        raise TransitionNotAllowed(
            f"This Statement of Interest failed screening ({failed}). "
            "Override the screening result with a reason before deciding."
        )
    if outcome == Decision.Outcome.SELECTED:
        # Row lock on the cycle: two officials selecting different SOIs at once are
        # serialised, so both cannot pass the cap with the last free place.
        cycle = Cycle.objects.select_for_update().get(pk=application.cycle_id)
        _check_cap(cycle, adding=1)
    # The site is created when the decision is released (decisions_release), so an
    # unreleased selection that is reversed leaves nothing behind.
    decision = Decision(
        application=application, outcome=outcome, rationale=rationale, decided_by=actor
    )
    decision._history_user = actor
    try:
        with transaction.atomic():  # backstop: the partial unique constraint
            decision.save()
    except IntegrityError:
        raise DecisionConflict(_already_decided(_decision_in_force(application))) from None
    return decision


def _already_decided(existing: Decision | None) -> str:
    if existing is None:
        return "Another official has just recorded a decision on this Statement of Interest."
    when = timezone.localtime(existing.decided_at).strftime("%b %-d, %Y %H:%M")
    return (
        f"{existing.decided_by} already recorded '{existing.get_outcome_display()}' on "
        f"{when}. Reload the page to see it; a program admin can reverse it."
    )


@transaction.atomic
def decision_reverse(*, decision: Decision, reason: str, actor) -> Decision:
    """Take a decision out of force (program admins), keeping it and the reason."""
    _require(actor, "applications.reverse_decision", "Only a program admin can reverse.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Give the reason for reversing the decision.")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.reversed_at is not None:
        raise TransitionNotAllowed("This decision has already been reversed.")
    decision.reversed_at, decision.reversed_by, decision.reversal_reason = (
        timezone.now(),
        actor,
        reason,
    )
    decision._history_user = actor
    decision.save()
    if decision.site_id is not None:
        # A released selection made the site; reversing it ends the site ("withdrawn"),
        # so it leaves the site list and the program report, its history kept.
        from sites.services import site_withdraw

        site_withdraw(site=decision.site, reason=f"Selection reversed: {reason}", actor=actor)
    return decision


@transaction.atomic
def decisions_release(*, cycle: Cycle, actor) -> list[Decision]:
    """Show a cycle's decisions to applicants and request each one's PDF letter."""
    from reports.letters import SignatoryMissing, letter_signatory
    from reports.services import report_request

    _require(actor, "reviews.release_decisions", "Only a selecting official can release.")
    try:
        # A letter must be signed by a named official: nothing is released without one.
        letter_signatory()
    except SignatoryMissing as exc:
        raise ReviewError(str(exc)) from None
    undecided = (
        Application.objects.filter(cycle=cycle, status=Application.Status.SUBMITTED)
        .exclude(Exists(Decision.objects.filter(application=OuterRef("pk"), reversed_at=None)))
        .count()
    )
    if undecided:
        raise TransitionNotAllowed(
            f"{undecided} submitted Statement{'s' if undecided != 1 else ''} of Interest "
            "still need a decision; release when the slate is complete."
        )
    # The cycle row lock serialises release with selections (decision_record takes it
    # too), so the cap checked here still holds when the letters go out.
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _check_cap(cycle, adding=0)
    # Lock the rows: a second click waits, then finds nothing left to release.
    decisions = list(
        Decision.objects.select_for_update()
        .filter(application__cycle=cycle, reversed_at=None, released_at=None)
        .select_related("application__cycle", "application__jurisdiction")
        .order_by("pk")
    )
    if not decisions:
        raise TransitionNotAllowed("There are no unreleased decisions in this cycle.")
    now = timezone.now()
    for decision in decisions:
        decision.released_at, decision.released_by = now, actor
        if decision.outcome == Decision.Outcome.SELECTED and decision.site_id is None:
            # The site exists from release on; before it a selection can still change.
            decision.site = _create_site(application=decision.application, actor=actor)
        if decision.letter_id is None:
            # The report row is written in this transaction, so every released decision
            # has exactly one letter; report_request publishes the render after commit,
            # and the reports sweeper re-publishes it if the broker was down.
            decision.letter = report_request(
                kind="decision_letter", params={"decision_id": decision.pk}, actor=actor
            )
        decision._history_user = actor
        decision.save()
    return decisions


@transaction.atomic
def cycle_set_max_sites(*, cycle: Cycle, max_sites: int | None, reason: str, actor) -> Cycle:
    """Change how many sites the cycle takes (program admins), with the reason audited.

    The cap is a rule (decision_record and decisions_release refuse past it), so only a
    program admin changes it, and the cycle's history row keeps who, when and why."""
    _require(actor, "applications.manage_cycles", "Only a program admin can change the cap.")
    if max_sites is not None and max_sites < 0:
        raise ReviewError("Enter zero or more sites.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Give the reason for changing the number of sites.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    change = SelectionCapChange(
        cycle=cycle,
        old_max_sites=cycle.max_sites,
        new_max_sites=max_sites,
        reason=reason,
        changed_by=actor,
    )
    cycle.max_sites = max_sites
    cycle = cycle_save(cycle=cycle, actor=actor)
    change._history_user = actor
    change.save()
    return cycle
