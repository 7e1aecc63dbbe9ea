"""applications.extensions: intake asks reviews through it and fails closed without it."""

import pytest

from applications import extensions
from applications.access import applications_visible_to
from tests.factories import ApplicationFactory
from tests.reviews.factories import assign

pytestmark = pytest.mark.django_db


def test_reviews_fills_the_extension_points():
    from reviews.access import declaration_url_for, narrow_for_reviewer_reading
    from reviews.selectors import applicant_stage

    # Intake reads with the declaration-first scope, not the review queue's.
    assert extensions._reviewer_scope is narrow_for_reviewer_reading
    assert extensions._declaration_gate is declaration_url_for
    assert extensions._applicant_status_source.stage is applicant_stage


def test_without_a_reviewer_scope_reviewers_read_nothing(monkeypatch, reviewer, selecting_official):
    soi = ApplicationFactory(submitted=True)
    assign(soi, reviewer)
    assert list(applications_visible_to(reviewer)) == [soi]
    monkeypatch.setattr(extensions, "_reviewer_scope", None)
    assert list(applications_visible_to(reviewer)) == []
    # Officials' scope does not depend on review's rule.
    assert list(applications_visible_to(selecting_official)) == [soi]


def test_without_a_status_source_a_filed_soi_reads_as_its_filing_state(monkeypatch, reviewer):
    soi = ApplicationFactory(submitted=True)
    assign(soi, reviewer)
    assert extensions.applicant_status(soi).label == "Under review"
    monkeypatch.setattr(extensions, "_applicant_status_source", None)
    assert extensions.applicant_status(soi) == extensions.ApplicantStatus("Submitted")


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_draft_and_withdrawn_never_ask_review(monkeypatch, state):
    soi = ApplicationFactory(withdrawn=True) if state == "withdrawn" else ApplicationFactory()

    def stage(application):
        raise AssertionError("review was asked about an SOI that is not submitted")

    monkeypatch.setattr(
        extensions,
        "_applicant_status_source",
        extensions.ApplicantStatusSource(load=lambda qs: qs, stage=stage),
    )
    assert extensions.applicant_status(soi).label == state.capitalize()
