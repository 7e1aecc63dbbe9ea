"""Who may see and do what in review and selection. Lists and detail pages start here.

Reviewers hold `applications.review_application`, yet read only the SOIs assigned to them
and none they declared a conflict on: `narrow_for_reviewer` says so here, and intake applies
the same rule on its pages through applications.extensions (registered in ReviewsConfig).
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from applications.access import applications_visible_to
from applications.models import Application

from .models import ConflictDeclaration, Decision, Review, ReviewAssignment

SEE_ALL_PERMS = (
    "applications.decide_application",
    "applications.assign_reviewers",
    "applications.view_all_applications",
)


def can_see_all(user) -> bool:
    """Selecting officials and program admins see every submitted SOI."""
    return user.is_authenticated and any(user.has_perm(perm) for perm in SEE_ALL_PERMS)


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_perm("applications.review_application")


def can_use_review_pages(user) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("reviews.open_review_queue")
        and (can_see_all(user) or is_reviewer(user))
    )


def can_assign(user) -> bool:
    return user.has_perm("applications.assign_reviewers")


def can_decide(user) -> bool:
    return user.has_perm("applications.decide_application")


def can_override_screening(user) -> bool:
    return user.has_perm("applications.override_screening")


def can_reopen_review(user) -> bool:
    # The selecting official, who owns the slate, decides when a score may change again.
    return user.has_perm("applications.decide_application")


def can_reverse_decision(user) -> bool:
    return user.has_perm("applications.reverse_decision")


def can_change_cap(user) -> bool:
    # The cap is a rule of selection; the people who select may not lift it themselves.
    return user.has_perm("applications.manage_cycles")


def can_release(user) -> bool:
    return user.has_perm("reviews.release_decisions")


def _submitted(user) -> QuerySet[Application]:
    # Start from the intake app's scope so the two apps cannot disagree, then drop drafts.
    return applications_visible_to(user).exclude(status=Application.Status.DRAFT)


def _conflicted(user):
    return ConflictDeclaration.objects.filter(
        application=OuterRef("pk"), reviewer=user, has_conflict=True
    )


def _assigned_ids(user):
    """The ids of the SOIs assigned to `user`, for `pk__in`.

    Not a correlated EXISTS per SOI: SQLite ran that subquery for every filed SOI (7 to 11
    ms at bench scale 10, twice per queue page: its count and its page of ids), where this
    reads the reviewer's assignments by their index; PostgreSQL plans both alike.
    """
    return ReviewAssignment.objects.filter(reviewer=user).values("application_id")


def _declared_clear(user):
    return ConflictDeclaration.objects.filter(
        application=OuterRef("pk"), reviewer=user, has_conflict=False
    )


def queue_applications_for(user) -> QuerySet[Application]:
    """The review queue's scope: all submitted SOIs for officials; assigned, unconflicted
    ones for reviewers."""
    if not user.is_authenticated:
        return Application.objects.none()
    if can_see_all(user):
        return _submitted(user)
    if is_reviewer(user):
        # Not `_submitted`: intake's reviewer scope needs the declaration first, while the
        # queue must list assigned SOIs not yet declared on, so the reviewer can declare.
        filed = Application.objects.exclude(status=Application.Status.DRAFT)
        return narrow_for_reviewer(user, filed)
    return Application.objects.none()


def narrow_for_reviewer(user, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Keep the SOIs assigned to `user` and not declared conflicted.

    Registered with applications.extensions (ReviewsConfig.ready), so the intake pages give
    reviewers the same scope as these pages.
    """
    return queryset.filter(pk__in=_assigned_ids(user)).exclude(Exists(_conflicted(user)))


def narrow_for_reviewer_reading(user, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Keep the SOIs assigned to `user` on which they declared no conflict.

    Registered with applications.extensions (ReviewsConfig.ready) as the reviewer's scope on
    the intake pages (the SOI, its letters, its receipt): the declaration gate the review
    page applies holds on every route to the SOI, not only on /review/.
    """
    return queryset.filter(pk__in=_assigned_ids(user)).filter(Exists(_declared_clear(user)))


def declaration_url_for(user, pk: int) -> str | None:
    """Where an assigned reviewer who has not declared yet must go before reading SOI `pk`."""
    if not is_reviewer(user) or can_see_all(user):
        return None
    undeclared = (
        Application.objects.filter(pk=pk)
        .exclude(status=Application.Status.DRAFT)
        .filter(pk__in=_assigned_ids(user))
        .exclude(
            Exists(ConflictDeclaration.objects.filter(application=OuterRef("pk"), reviewer=user))
        )
    )
    return reverse("reviews:conflict", args=[pk]) if undeclared.exists() else None


def get_queue_application_for(user, pk: int) -> Application:
    # 404, not 403: a reviewer must not learn which other SOIs exist.
    return get_object_or_404(queue_applications_for(user), pk=pk)


# Passed for a fact the caller has not loaded: the rule reads it from the database. Pages
# that already loaded the facts (the SOI review page's row) pass them, so each rule below
# is written once and those pages pay no extra query.
_LOAD = object()


def declaration_of(user, application) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(application=application, reviewer=user).first()


def assignment_of(user, application) -> ReviewAssignment | None:
    return ReviewAssignment.objects.filter(application=application, reviewer=user).first()


def needs_declaration(user, application, *, assignment=_LOAD, declaration=_LOAD) -> bool:
    """An assigned reviewer must declare before opening the SOI."""
    if assignment is _LOAD:
        assignment = assignment_of(user, application)
    if assignment is None:
        return False
    if declaration is _LOAD:
        declaration = declaration_of(user, application)
    return declaration is None


def can_score(user, application, *, assignment=_LOAD, declaration=_LOAD, decision=_LOAD) -> bool:
    """The assigned reviewer, after declaring no conflict, while the SOI is submitted and
    no decision is in force. `decision`: the SOI's decision in force, or None."""
    if not is_reviewer(user) or application.status != Application.Status.SUBMITTED:
        return False
    if assignment is _LOAD:
        assignment = assignment_of(user, application)
    if assignment is None:
        return False
    if declaration is _LOAD:
        declaration = declaration_of(user, application)
    if declaration is None or declaration.has_conflict:
        return False
    if decision is _LOAD:
        decision = Decision.objects.filter(application=application, reversed_at=None).first()
    return decision is None


def can_see_other_scores(user, application, *, assignment=_LOAD) -> bool:
    """Reviewers see colleagues' scores only after submitting their own; officials always."""
    if assignment is _LOAD:
        assignment = assignment_of(user, application)
    if assignment is None:
        return can_see_all(user)
    review = getattr(assignment, "review", None)  # None when no review is started
    return review is not None and review.status == Review.Status.SUBMITTED


def get_review_for_reopen(user, pk: int) -> Review:
    return get_object_or_404(
        Review.objects.select_related("assignment__application", "assignment__reviewer").filter(
            assignment__application__in=queue_applications_for(user)
        ),
        pk=pk,
    )


def get_decision_for(user, pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("application__jurisdiction").filter(
            application__in=queue_applications_for(user)
        ),
        pk=pk,
    )
