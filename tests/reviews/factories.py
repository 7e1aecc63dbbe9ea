"""Factories for review and selection (kept apart from tests/factories.py to avoid clashes)."""

import datetime

import factory

from reviews.models import ConflictDeclaration, Decision, Review, ReviewAssignment
from tests.factories import ApplicationFactory, UserFactory


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    reviewer = factory.SubFactory(UserFactory)
    assigned_by = factory.SubFactory(UserFactory)


class ConflictDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictDeclaration

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    reviewer = factory.SubFactory(UserFactory)
    has_conflict = False


class ReviewFactory(factory.django.DjangoModelFactory):
    """A draft review. Trait: submitted (scores 4,4,3,3,4 unless given; total computed)."""

    class Meta:
        model = Review

    class Params:
        submitted = factory.Trait(
            status=Review.Status.SUBMITTED,
            score_severity=4,
            score_leadership=4,
            score_readiness=3,
            score_partnerships=3,
            score_tta_clarity=4,
            recommendation=Review.Recommendation.SELECT,
            total_score=factory.LazyAttribute(
                lambda o: (
                    o.score_severity
                    + o.score_leadership
                    + o.score_readiness
                    + o.score_partnerships
                    + o.score_tta_clarity
                )
            ),
            submitted_at=factory.LazyFunction(
                lambda: datetime.datetime(2026, 5, 1, 14, 0, tzinfo=datetime.UTC)
            ),
        )

    assignment = factory.SubFactory(ReviewAssignmentFactory)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    outcome = Decision.Outcome.NOT_SELECTED
    rationale = "Ranked below the cut."
    decided_by = factory.SubFactory(UserFactory)


def assign(application, reviewer, *, declared=True, conflict=False, by=None):
    """An assignment plus (by default) a no-conflict declaration: ready to score."""
    assignment = ReviewAssignmentFactory(
        application=application, reviewer=reviewer, assigned_by=by or reviewer
    )
    if declared:
        ConflictDeclarationFactory(
            application=application, reviewer=reviewer, has_conflict=conflict
        )
    return assignment
