"""Named read queries: the queue and slate rows, and what review adds to the status
applicants see."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce

from applications.extensions import ApplicantStatus
from applications.models import Application
from psp_portal.pagination import CappedPaginator

from .access import queue_applications_for
from .models import MAX_TOTAL, Decision, Review, ReviewAssignment
from .scores import average_of
from .screening import RESULT_ORDER, Screening, screen, screening_prefetch
from .screening_summaries import ScreeningSummary, summaries_for, with_summary_inputs

# Internal review states shown to staff (never to applicants).
UNASSIGNED, IN_REVIEW, REVIEWED, DECIDED, RELEASED, WITHDRAWN = (
    "unassigned", "in_review", "reviewed", "decided", "released", "withdrawn",
)  # fmt: skip
STATUS_LABELS = {
    UNASSIGNED: "Awaiting assignment",
    IN_REVIEW: "In review",
    REVIEWED: "Reviews complete",
    DECIDED: "Decided (not released)",
    RELEASED: "Decision released",
    WITHDRAWN: "Withdrawn",
}


def with_applicant_stage(queryset):
    """Load what `applicant_stage` reads for a whole list in two extra queries."""
    released = (
        Decision.objects.filter(reversed_at=None).exclude(released_at=None).select_related("letter")
    )
    return queryset.annotate(
        has_review_assignment=Exists(ReviewAssignment.objects.filter(application=OuterRef("pk")))
    ).prefetch_related(Prefetch("decisions", queryset=released, to_attr="released_decisions"))


def released_decision_for(application) -> Decision | None:
    """The decision an applicant may see (with its letter), or None."""
    if hasattr(application, "released_decisions"):
        return application.released_decisions[0] if application.released_decisions else None
    return (
        Decision.objects.filter(application=application, reversed_at=None)
        .exclude(released_at=None)
        .select_related("letter")
        .first()
    )


def applicant_stage(application) -> ApplicantStatus | None:
    """What review adds to a submitted SOI's applicant-facing status (intake asks through
    applications.extensions): the released decision, else "Under review" once assigned."""
    decision = released_decision_for(application)
    if decision is not None:
        return ApplicantStatus(str(decision.get_outcome_display()), letter_id=decision.letter_id)
    assigned = getattr(application, "has_review_assignment", None)  # from with_applicant_stage
    if assigned is None:
        assigned = ReviewAssignment.objects.filter(application=application).exists()
    return ApplicantStatus("Under review") if assigned else None


@dataclass
class QueueRow:
    application: Application
    # The whole screening on the review page and in the API; its summary on list pages.
    screening: Screening | ScreeningSummary
    # ReviewAssignments on the review page; AssignmentSummaries (their reviews
    # ReviewSummaries) on list pages.
    assignments: list
    reviews: list  # submitted reviews
    decision: Decision | None
    my_assignment: "ReviewAssignment | AssignmentSummary | None" = None
    extra: dict = field(default_factory=dict)

    @property
    def review_count(self) -> int:
        return len(self.reviews)

    @property
    def average_score(self) -> Decimal | None:
        # Rounded as ScoreSummary stores it, so the slate's ranking and the shown average agree.
        return average_of(sum(r.total_score for r in self.reviews), len(self.reviews))

    @property
    def max_total(self) -> int:
        return MAX_TOTAL

    @property
    def latest_rate(self):
        return self.screening.latest_rate

    @property
    def status(self) -> str:
        if self.application.status == Application.Status.WITHDRAWN:
            return WITHDRAWN
        if self.decision is not None:
            return RELEASED if self.decision.released_at else DECIDED
        if not self.assignments:
            return UNASSIGNED
        if len(self.reviews) >= len(self.assignments):
            return REVIEWED
        return IN_REVIEW

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def my_review(self) -> Review | None:
        if self.my_assignment is None:
            return None
        return getattr(self.my_assignment, "review", None)


def with_list_data(queryset):
    """What the queue and slate rows read of the SOIs: what their cached screening summary
    is keyed by, and the decision in force as three columns. `list_rows` adds the
    assignments (one query) and the screening summaries."""
    # Not the frozen copy made at submission (the whole SOI as JSON, the largest column):
    # no list reads it, and each row would decode it.
    return with_decision_in_force(
        with_summary_inputs(queryset.select_related("jurisdiction"))
    ).defer("snapshot")


class ReviewSummary(NamedTuple):
    """What a list row reads of a review (not its comments, which can run to pages)."""

    status: str
    total_score: int | None

    def get_status_display(self) -> str:
        return Review.Status(self.status).label


class AssignmentSummary(NamedTuple):
    """What a list row reads of an assignment; `review` is None until one is started.
    Read as `access.can_see_other_scores` reads a ReviewAssignment."""

    reviewer_id: int
    review: ReviewSummary | None


def assignment_summaries(application_ids: list[int]) -> dict[int, list[AssignmentSummary]]:
    """Each SOI's assignments in the order they were made, in one query. A prefetch of
    the assignments and reviews built two model instances per assignment, the largest
    part of a queue page's rows after the SOIs themselves (issue 20)."""
    by_soi = {pk: [] for pk in application_ids}
    if not application_ids:
        return by_soi
    rows = (
        ReviewAssignment.objects.filter(application_id__in=application_ids)
        .order_by("application_id", "assigned_at", "pk")
        .values_list("application_id", "reviewer_id", "review__status", "review__total_score")
    )
    for application_id, reviewer_id, status, total_score in rows:
        review = ReviewSummary(status, total_score) if status is not None else None
        by_soi[application_id].append(AssignmentSummary(reviewer_id, review))
    return by_soi


def with_decision_in_force(queryset):
    """The decision in force (at most one per SOI: a unique constraint on reversed_at
    null) as columns, where a row needs only its outcome and release: no query of its own.
    `decision_in_force` rebuilds it."""
    # One LEFT JOIN, not a subquery per column: the constraint keeps it to one row per
    # SOI, and building the query took 0.7 ms of CPU less per page (issue 20).
    return queryset.annotate(
        in_force=FilteredRelation("decisions", condition=Q(decisions__reversed_at=None)),
        decision_in_force_id=F("in_force__id"),
        decision_outcome=F("in_force__outcome"),
        decision_released_at=F("in_force__released_at"),
    )


def decision_in_force(application) -> list[Decision]:
    """`decisions_in_force` as `build_rows` reads it, from `with_decision_in_force`."""
    if application.decision_in_force_id is None:
        return []
    return [
        Decision(
            pk=application.decision_in_force_id,
            application_id=application.pk,
            outcome=application.decision_outcome,
            released_at=application.decision_released_at,
        )
    ]


def list_rows(applications, user=None) -> list[QueueRow]:
    """Rows for the list pages: SOIs loaded with `with_list_data`, their assignments
    summarized (one query) and their screening from the cached summaries."""
    applications = list(applications)
    for application in applications:
        application.decisions_in_force = decision_in_force(application)
    return build_rows(
        applications,
        user,
        screenings=summaries_for(applications),
        assignments=assignment_summaries([application.pk for application in applications]),
    )


def with_review_detail(queryset):
    """What one SOI's review page shows: its whole screening, every assignment with its
    reviewer and review (and who reopened it), every decision (reversed ones too; a
    selection with the site it made, named by its jurisdiction), so the page needs no
    further queries."""
    return screening_prefetch(queryset).prefetch_related(
        Prefetch(
            "review_assignments",
            queryset=ReviewAssignment.objects.select_related("review__reopened_by", "reviewer"),
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related(
                "decided_by", "reversed_by", "site__jurisdiction"
            ),
            to_attr="all_decisions",
        ),
    )


def detail_row(application, user) -> QueueRow:
    """The row of an SOI loaded with `with_review_detail`."""
    application.decisions_in_force = [d for d in application.all_decisions if d.is_in_force]
    return build_rows([application], user)[0]


def build_rows(applications, user=None, *, screenings=None, assignments=None) -> list[QueueRow]:
    """Rows of SOIs loaded with `with_review_detail` (each screened here, its assignments
    read from the prefetch), or of SOIs loaded with `with_list_data` with their
    `screenings` and `assignments` summaries by id (`list_rows`)."""
    rows = []
    for application in applications:
        if assignments is not None:
            made = assignments[application.pk]
        else:
            made = list(application.review_assignments.all())
        # getattr: a ReviewAssignment without a review raises (an AttributeError), a
        # summary holds None.
        reviews = [
            review
            for review in (getattr(a, "review", None) for a in made)
            if review is not None and review.status == Review.Status.SUBMITTED
        ]
        mine = next((a for a in made if user and a.reviewer_id == user.pk), None)
        decisions = application.decisions_in_force
        rows.append(
            QueueRow(
                application=application,
                screening=(
                    screenings[application.pk] if screenings is not None else screen(application)
                ),
                assignments=made,
                reviews=reviews,
                decision=decisions[0] if decisions else None,
                my_assignment=mine,
            )
        )
    return rows


SORT_KEYS = {
    "jurisdiction": lambda r: (r.application.jurisdiction.name.lower(),),
    "state": lambda r: (r.application.jurisdiction.state, r.application.jurisdiction.name),
    "population": lambda r: (r.application.population or 0,),
    "rate": lambda r: (r.latest_rate["rate"] if r.latest_rate else Decimal(-1),),
    "ratio": lambda r: (
        r.latest_rate["ratio"] if r.latest_rate and r.latest_rate["ratio"] else Decimal(-1),
    ),
    "screening": lambda r: (RESULT_ORDER[r.screening.result],),
    "reviews": lambda r: (r.review_count,),
    "score": lambda r: (r.average_score if r.average_score is not None else Decimal(-1),),
    "status": lambda r: (r.status_label,),
    "submitted": lambda r: (r.application.submitted_at or r.application.created_at,),
    "reference": lambda r: (r.application.reference_number or "",),
}
DEFAULT_SORT = "submitted"


def sort_rows(rows: list[QueueRow], sort: str) -> tuple[list[QueueRow], str]:
    """Sort by a known key ("-key" descending); unknown keys fall back to submission order."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, descending = DEFAULT_SORT, False
    # Ties keep a stable order by reference number.
    rows = sorted(rows, key=lambda r: r.application.reference_number or "")
    rows = sorted(rows, key=SORT_KEYS[key], reverse=descending)
    return rows, ("-" if descending else "") + key


# Sorts the database can do exactly as sort_rows does (key, then reference number): the
# queue then builds rows for one page only, so its time does not grow with the number of
# SOIs. Sorts on computed values (screening, score, status...) still build every row.
DB_SORTS = {
    "submitted": Coalesce("submitted_at", "created_at"),
    "reference": F("reference_number"),
}


# A queue of up to this many SOIs (a reviewer's assignments) is read as one list of ids.
SMALL_QUEUE = 1000


def queue_page(
    queryset, user, sort: str, page_number, per_page: int, *, small: bool = False
) -> tuple[Page, str] | None:
    """One page of queue rows sorted in SQL, or None when `sort` needs every row built.

    `small`: the queue is likely to be short (a reviewer's, which holds their assignments
    only). Its ids are then read in one query, counted and sliced here, instead of a
    COUNT and a page of ids that both walk the same assignments (1.5 and 1.7 ms for a
    reviewer's 360 at bench scale 10, issue 20). A queue longer than SMALL_QUEUE is
    counted and paged by the database.
    """
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in DB_SORTS:
        return None
    order = DB_SORTS[key].desc() if descending else DB_SORTS[key].asc()
    # Sort ids only, then load the page's rows: sorting the full-width join (certification,
    # jurisdiction, cycle) took 140 ms at 30,000 SOIs; the ids alone sort in a few ms.
    ordered = queryset.order_by(order, "reference_number", "pk").values_list("pk", flat=True)
    if small:
        ids = list(ordered[: SMALL_QUEUE + 1])
        if len(ids) <= SMALL_QUEUE:
            ordered = ids
    page = CappedPaginator(ordered, per_page).get_page(page_number)
    page.object_list = _rows_in_order(list(page.object_list), user)
    return page, ("-" if descending else "") + key


def slate_scope(cycle, user):
    """The cycle's submitted SOIs in the user's scope: what the slate ranks and counts."""
    return queue_applications_for(user).filter(cycle=cycle, status=Application.Status.SUBMITTED)


def scored_slate(cycle, user):
    """The slate's SOIs with a submitted review, best first (the first part of the ranking),
    in the order of the score index (scoresummary_ranked_idx)."""
    # The summary's own cycle (the SOI's) leads the index to this cycle's entries.
    return (
        slate_scope(cycle, user)
        .filter(score_summary__cycle=cycle, score_summary__average__isnull=False)
        .order_by("-score_summary__average", "reference_number", "pk")
        .values_list("pk", flat=True)
    )


def ranked_slate_ids(cycle, user, start: int = 0, stop: int | None = None) -> list[int]:
    """Ids of the slate from `start` to `stop` (the end when None), in its ranking: average
    submitted score (ScoreSummary's, rounded to 0.1 as shown) high to low, then reference
    number; the SOIs without a submitted review after them, by reference number.

    Read in two parts, `scored_slate` and then the unscored SOIs: one ordering over both
    (the average descending with no score last) cannot be read from an index, and sorting
    a cycle's 6,000 SOIs joined to their averages took 4 to 5 ms for every page at scale
    10, against 0.2 ms for the first 25 read in index order (issue 20). A part of the slate
    past every scored SOI counts them first.
    """
    scored = scored_slate(cycle, user)
    ids = list(scored[start:stop])
    # Where the scored SOIs end: right after the last one read, or, when this part of the
    # slate holds none of them, however many there are. (A part of the slate filled by
    # scored SOIs slices the unscored ones to nothing, which runs no query.)
    scored_count = start + len(ids) if ids or not start else scored.count()
    unscored = (
        slate_scope(cycle, user)
        .filter(score_summary__average__isnull=True)
        .order_by("reference_number", "pk")
        .values_list("pk", flat=True)
    )
    first = max(start - scored_count, 0)
    return ids + list(unscored[first : None if stop is None else stop - scored_count])


def slate_counts(cycle, user) -> dict:
    """Totals for the slate header and warnings, in one aggregate query (no rows loaded)."""
    in_force = Q(decisions__reversed_at=None)
    return slate_scope(cycle, user).aggregate(
        total=Count("pk", distinct=True),
        selected=Count(
            "decisions",
            filter=in_force & Q(decisions__outcome=Decision.Outcome.SELECTED),
            distinct=True,
        ),
        decided=Count("decisions", filter=in_force, distinct=True),
        unreleased=Count(
            "decisions", filter=in_force & Q(decisions__released_at=None), distinct=True
        ),
    )


def _rows_in_order(ids: list[int], user) -> list[QueueRow]:
    """Rows (screened, with reviews and decisions) for these SOIs only, in `ids` order."""
    if not ids:
        return []  # an empty page (a search that found nothing) needs no query built
    # No order: the rows are put in `ids` order here (Meta.ordering would sort them).
    loaded = {a.pk: a for a in with_list_data(Application.objects.filter(pk__in=ids).order_by())}
    return list_rows([loaded[pk] for pk in ids if pk in loaded], user)


class _RankedSlate:
    """The slate's ids as the paginator slices them: each page reads its own ids."""

    def __init__(self, cycle, user, total: int):
        self.cycle, self.user, self.total = cycle, user, total

    def count(self) -> int:
        return self.total

    def __getitem__(self, part: slice) -> list[int]:
        return ranked_slate_ids(self.cycle, self.user, part.start or 0, part.stop)


def slate_page(cycle, user, page_number, per_page: int, total: int) -> Page:
    """One page of the ranked slate; rows are built and screened for this page only.
    `total` comes from `slate_counts`, so the paginator does not count the slate again."""
    page = Paginator(_RankedSlate(cycle, user, total), per_page).get_page(page_number)
    page.object_list = _rows_in_order(list(page.object_list), user)
    return page


def slate_rows(cycle, user) -> list[QueueRow]:
    """The whole ranked slate (the PDF, built in a worker, lists every SOI)."""
    ids = ranked_slate_ids(cycle, user)
    rows = _rows_in_order(ids, user)
    # The PDF names who decided and why: the whole decisions in force, one more query.
    in_force = Decision.objects.filter(application_id__in=ids, reversed_at=None)
    decisions = {d.application_id: d for d in in_force.select_related("decided_by")}
    for row in rows:
        row.decision = decisions.get(row.application.pk)
    return rows
