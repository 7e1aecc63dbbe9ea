"""Demo reviews, decisions and their release (a demo step; see demo/loader.py).

Runs after applications.demo. Everything goes through reviews.services, so the
audit rows, the screening guard on decisions, the sites created for selected SOIs
and the decision letters are what real use leaves. Each piece is looked up before it
is made (assignment by SOI and reviewer, declaration, review status, decision in
force, release), so a second run creates nothing.

Closed cycle: every submitted SOI assigned to the demo reviewer, declared free of
conflict, scored and submitted; the official selects the strongest, declines the
rest and releases the slate. Open cycle: the submitted SOIs wait in the demo
reviewer's queue (one with a review in progress).
"""

from django.db.models import Q

from accounts.models import User
from applications.demo import CLOSED_CYCLE_CITIES, cycle_name, open_cycle_year
from applications.models import Application, Cycle

from .models import ConflictDeclaration, Decision, Review, ReviewAssignment
from .services import (
    conflict_declare,
    decision_record,
    decisions_release,
    review_save_draft,
    review_submit,
    reviewer_assign,
)

REVIEWER_EMAIL = "reviewer@demo.psp.gov"
OFFICIAL_EMAIL = "official@demo.psp.gov"

# Selected in the closed cycle (the others submitted there are not selected).
SELECTED = {"City of Little Rock", "City of Stockton", "City of Shreveport"}

# Scores per jurisdiction: severity, leadership, readiness, partnerships, TTA clarity.
SCORES = {
    "City of Little Rock": (5, 5, 4, 4, 5),
    "City of Stockton": (4, 5, 4, 5, 4),
    "City of Shreveport": (4, 4, 4, 4, 4),
    "City of Flint": (5, 3, 2, 3, 3),
    "City of Albuquerque": (4, 3, 3, 2, 3),
}
DEFAULT_SCORES = (3, 3, 3, 3, 3)
CRITERIA = ("severity", "leadership", "readiness", "partnerships", "tta_clarity")


def _review_data(application: Application) -> dict:
    scores = SCORES.get(application.jurisdiction.name, DEFAULT_SCORES)
    selected = application.jurisdiction.name in SELECTED
    city = application.jurisdiction.name.removeprefix("City of ")
    data = {f"score_{key}": value for key, value in zip(CRITERIA, scores, strict=True)}
    data |= {
        "comment_severity": f"{city}'s rate has been more than twice the national rate for "
        "three years.",
        "comment_leadership": "Letters from the mayor and the chief commit named staff.",
        "comment_readiness": "An analyst team exists; the records system needs work.",
        "recommendation": Review.Recommendation.SELECT
        if selected
        else Review.Recommendation.DO_NOT_SELECT,
        "notes": "Demo review.",
    }
    return data


def _ensure_assignment(application, reviewer, official) -> tuple[ReviewAssignment, bool]:
    existing = ReviewAssignment.objects.filter(application=application, reviewer=reviewer).first()
    if existing is not None:
        return existing, False
    return reviewer_assign(application=application, reviewer=reviewer, actor=official), True


def _ensure_no_conflict(application, reviewer) -> None:
    if not ConflictDeclaration.objects.filter(application=application, reviewer=reviewer).exists():
        conflict_declare(
            application=application,
            reviewer=reviewer,
            has_conflict=False,
            explanation="",
            actor=reviewer,
        )


def _submitted(cycle: Cycle):
    return (
        Application.objects.filter(cycle=cycle, status=Application.Status.SUBMITTED)
        .select_related("jurisdiction")
        .order_by("reference_number")
    )


def _review_closed_cycle(cycle: Cycle, reviewer, official) -> dict[str, int]:
    made = {"assignments": 0, "reviews": 0, "decisions": 0, "released": 0}
    for application in _submitted(cycle):
        assignment, created = _ensure_assignment(application, reviewer, official)
        made["assignments"] += created
        _ensure_no_conflict(application, reviewer)
        review = Review.objects.filter(assignment=assignment).first()
        decided = Decision.objects.filter(application=application, reversed_at=None).exists()
        if not decided and (review is None or review.status != Review.Status.SUBMITTED):
            review_submit(assignment=assignment, data=_review_data(application), actor=reviewer)
            made["reviews"] += 1
        if not decided:
            selected = application.jurisdiction.name in SELECTED
            decision_record(
                application=application,
                outcome=Decision.Outcome.SELECTED if selected else Decision.Outcome.NOT_SELECTED,
                rationale=(
                    "Sustained violent crime far above the national rate, committed leadership "
                    "and a team ready for intensive TTA."
                    if selected
                    else "Strong need, but other jurisdictions showed more readiness this cycle."
                ),
                actor=official,
            )
            made["decisions"] += 1
    unreleased = Decision.objects.filter(
        application__cycle=cycle, reversed_at=None, released_at=None
    )
    if unreleased.exists():
        made["released"] = len(decisions_release(cycle=cycle, actor=official))
    return made


def _queue_open_cycle(cycle: Cycle, reviewer, official) -> dict[str, int]:
    made = {"assignments": 0, "reviews": 0}
    for index, application in enumerate(_submitted(cycle)):
        assignment, created = _ensure_assignment(application, reviewer, official)
        made["assignments"] += created
        # The first one has a review in progress; the others wait untouched.
        if index == 0 and not Review.objects.filter(assignment=assignment).exists():
            _ensure_no_conflict(application, reviewer)
            review_save_draft(
                assignment=assignment,
                data={"score_severity": 4, "comment_severity": "Rate well above national."},
                actor=reviewer,
            )
            made["reviews"] += 1
    return made


def load_demo_reviews() -> list[str]:
    """Demo step: reviews and released decisions in the closed cycle, a queue in the open one."""
    reviewer = User.objects.get(email=REVIEWER_EMAIL)
    official = User.objects.get(email=OFFICIAL_EMAIL)
    year = open_cycle_year()
    open_cycle = Cycle.objects.get(year=year, name=cycle_name(year))
    closed_cycle = Cycle.objects.get(year=year - 1, name=cycle_name(year - 1))

    closed = _review_closed_cycle(closed_cycle, reviewer, official)
    queued = _queue_open_cycle(open_cycle, reviewer, official)
    decisions = Decision.objects.filter(application__cycle=closed_cycle, reversed_at=None)
    assignments = ReviewAssignment.objects.filter(
        Q(application__cycle=closed_cycle) | Q(application__cycle=open_cycle), reviewer=reviewer
    )
    new = closed["assignments"] + queued["assignments"]
    return [
        f"Demo reviews: {new} new assignments, {assignments.count() - new} already there; "
        f"{closed['reviews'] + queued['reviews']} reviews written this run.",
        f"Demo decisions in {closed_cycle.year}: {closed['decisions']} new "
        f"({decisions.filter(outcome=Decision.Outcome.SELECTED).count()} selected, "
        f"{decisions.filter(outcome=Decision.Outcome.NOT_SELECTED).count()} not selected of "
        f"{len(CLOSED_CYCLE_CITIES) - 1} submitted), "
        f"{closed['released']} released this run.",
        f"Demo review queue: {queued['assignments']} new, "
        f"{_submitted(open_cycle).count()} submitted {open_cycle.year} SOIs wait for "
        f"{reviewer.email}.",
    ]
