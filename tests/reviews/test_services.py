"""Each workflow move, legal and illegal (one pytest.raises per illegal move)."""

import pytest

from applications.extensions import applicant_status
from applications.models import Application, CrimeFigures
from reviews.models import ConflictDeclaration, Decision, Review, ScreeningOverride
from reviews.services import (
    DecisionConflict,
    ReviewError,
    TransitionNotAllowed,
    conflict_declare,
    cycle_set_max_sites,
    decision_record,
    decision_reverse,
    decisions_release,
    review_reopen,
    review_save_draft,
    review_submit,
    reviewer_assign,
    reviewers_assign_bulk,
    screening_override,
)
from sites.models import Site
from tests.factories import ApplicationFactory
from tests.reviews.factories import ReviewFactory, assign

pytestmark = pytest.mark.django_db

FULL = {
    "score_severity": 5, "score_leadership": 4, "score_readiness": 3,
    "score_partnerships": 2, "score_tta_clarity": 1, "recommendation": "select",
    "comment_severity": "Homicides doubled.", "notes": "Strong letters.",
}  # fmt: skip


# --- assignment ------------------------------------------------------------------------


def test_selecting_official_assigns_a_reviewer_with_audit(soi, reviewer, selecting_official):
    assignment = reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)
    assert assignment.assigned_by == selecting_official
    assert assignment.history.latest().history_user == selecting_official


def test_program_admin_may_assign(soi, reviewer, program_admin):
    assert reviewer_assign(application=soi, reviewer=reviewer, actor=program_admin).pk


def test_reviewer_cannot_assign(soi, reviewer, other_reviewer):
    with pytest.raises(ReviewError):
        reviewer_assign(application=soi, reviewer=other_reviewer, actor=reviewer)


def test_assigning_twice_is_refused(soi, reviewer, selecting_official):
    reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)
    with pytest.raises(ReviewError, match="already assigned"):
        reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)


def test_assigning_a_non_reviewer_is_refused(soi, liaison, selecting_official):
    with pytest.raises(ReviewError, match="not an active reviewer"):
        reviewer_assign(application=soi, reviewer=liaison, actor=selecting_official)


def test_assigning_to_a_withdrawn_soi_is_refused(cycle, reviewer, selecting_official):
    withdrawn = ApplicationFactory(cycle=cycle, withdrawn=True)
    with pytest.raises(TransitionNotAllowed, match="withdrawn"):
        reviewer_assign(application=withdrawn, reviewer=reviewer, actor=selecting_official)


def test_assigning_a_draft_is_refused(cycle, reviewer, selecting_official):
    draft = ApplicationFactory(cycle=cycle)
    with pytest.raises(TransitionNotAllowed):
        reviewer_assign(application=draft, reviewer=reviewer, actor=selecting_official)


def test_bulk_assignment_skips_existing_and_conflicted_pairs(
    cycle, reviewer, other_reviewer, selecting_official
):
    first, second = ApplicationFactory.create_batch(2, cycle=cycle, submitted=True)
    reviewer_assign(application=first, reviewer=reviewer, actor=selecting_official)
    assign(second, other_reviewer, conflict=True, by=selecting_official)
    created, skipped = reviewers_assign_bulk(
        applications=[first, second], reviewers=[reviewer, other_reviewer],
        actor=selecting_official,
    )  # fmt: skip
    # reviewer->second and other_reviewer->first are new; the other two pairs are skipped.
    assert created == 2
    assert len(skipped) == 2


# --- conflicts -------------------------------------------------------------------------


def test_assigned_reviewer_declares_no_conflict(soi, reviewer, selecting_official):
    reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)
    declaration = conflict_declare(
        application=soi, reviewer=reviewer, has_conflict=False, explanation="", actor=reviewer
    )
    assert declaration.history.latest().history_user == reviewer


def test_declaring_twice_is_refused_and_the_first_is_kept(soi, reviewer, selecting_official):
    reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)
    conflict_declare(
        application=soi, reviewer=reviewer, has_conflict=True, explanation="Brother is chief.",
        actor=reviewer,
    )  # fmt: skip
    with pytest.raises(TransitionNotAllowed):
        conflict_declare(
            application=soi, reviewer=reviewer, has_conflict=False, explanation="", actor=reviewer
        )
    assert ConflictDeclaration.objects.get(application=soi, reviewer=reviewer).has_conflict


def test_conflict_without_explanation_is_refused(soi, reviewer, selecting_official):
    reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)
    with pytest.raises(ReviewError, match="Describe"):
        conflict_declare(
            application=soi, reviewer=reviewer, has_conflict=True, explanation=" ", actor=reviewer
        )


def test_unassigned_reviewer_cannot_declare(soi, reviewer):
    with pytest.raises(ReviewError, match="not assigned"):
        conflict_declare(
            application=soi, reviewer=reviewer, has_conflict=False, explanation="", actor=reviewer
        )


def test_assigning_a_conflicted_reviewer_again_is_refused(soi, reviewer, selecting_official):
    assign(soi, reviewer, conflict=True)
    with pytest.raises(ReviewError, match="conflict"):
        reviewer_assign(application=soi, reviewer=reviewer, actor=selecting_official)


# --- scoring ---------------------------------------------------------------------------


def test_draft_saves_partial_scores(soi, reviewer):
    assignment = assign(soi, reviewer)
    review = review_save_draft(assignment=assignment, data={"score_severity": 4}, actor=reviewer)
    assert review.status == Review.Status.DRAFT
    assert review.score_severity == 4 and review.score_leadership is None


def test_submit_locks_the_review_and_totals_it(soi, reviewer):
    assignment = assign(soi, reviewer)
    review = review_submit(assignment=assignment, data=FULL, actor=reviewer)
    assert review.status == Review.Status.SUBMITTED
    assert review.total_score == 15
    assert review.history.latest().history_user == reviewer


def test_submit_without_every_score_is_refused(soi, reviewer):
    assignment = assign(soi, reviewer)
    with pytest.raises(ReviewError, match="every criterion"):
        review_submit(assignment=assignment, data={**FULL, "score_readiness": None}, actor=reviewer)


def test_submit_without_recommendation_is_refused(soi, reviewer):
    assignment = assign(soi, reviewer)
    with pytest.raises(ReviewError, match="recommendation"):
        review_submit(assignment=assignment, data={**FULL, "recommendation": ""}, actor=reviewer)


@pytest.mark.parametrize("bad", [6, -1, "seven"])
def test_scores_outside_0_to_5_are_refused(soi, reviewer, bad):
    assignment = assign(soi, reviewer)
    with pytest.raises(ReviewError):
        review_save_draft(assignment=assignment, data={"score_severity": bad}, actor=reviewer)
    assert not Review.objects.filter(assignment=assignment).exists()  # rolled back whole


def test_editing_a_submitted_review_is_refused(soi, reviewer):
    assignment = assign(soi, reviewer)
    review_submit(assignment=assignment, data=FULL, actor=reviewer)
    with pytest.raises(TransitionNotAllowed, match="reopen"):
        review_save_draft(assignment=assignment, data=FULL, actor=reviewer)


def test_scoring_before_declaring_is_refused(soi, reviewer):
    assignment = assign(soi, reviewer, declared=False)
    with pytest.raises(ReviewError, match="Declare"):
        review_save_draft(assignment=assignment, data=FULL, actor=reviewer)


def test_conflicted_reviewer_cannot_score(soi, reviewer):
    assignment = assign(soi, reviewer, conflict=True)
    with pytest.raises(ReviewError, match="conflict"):
        review_save_draft(assignment=assignment, data=FULL, actor=reviewer)


def test_another_reviewer_cannot_score_someone_elses_assignment(soi, reviewer, other_reviewer):
    assignment = assign(soi, reviewer)
    with pytest.raises(ReviewError, match="Only the assigned reviewer"):
        review_save_draft(assignment=assignment, data=FULL, actor=other_reviewer)


def test_scoring_a_withdrawn_soi_is_refused(soi, reviewer):
    assignment = assign(soi, reviewer)
    Application.objects.filter(pk=soi.pk).update(status=Application.Status.WITHDRAWN)
    with pytest.raises(TransitionNotAllowed, match="withdrawn"):
        review_save_draft(assignment=assignment, data=FULL, actor=reviewer)


def test_selecting_official_reopens_a_submitted_review(soi, reviewer, selecting_official):
    assignment = assign(soi, reviewer)
    review = review_submit(assignment=assignment, data=FULL, actor=reviewer)
    review = review_reopen(review=review, reason="Score 5 contradicts the comment.",
                           actor=selecting_official)  # fmt: skip
    assert review.status == Review.Status.DRAFT
    assert review.total_score is None  # out of the average until resubmitted
    assert review.reopened_by == selecting_official
    assert review.history.latest().history_user == selecting_official
    review_submit(assignment=assignment, data=FULL, actor=reviewer)  # can resubmit


def test_reviewer_cannot_reopen(soi, reviewer):
    review = review_submit(assignment=assign(soi, reviewer), data=FULL, actor=reviewer)
    with pytest.raises(ReviewError):
        review_reopen(review=review, reason="I changed my mind.", actor=reviewer)


def test_program_admin_cannot_reopen(soi, reviewer, program_admin):
    review = review_submit(assignment=assign(soi, reviewer), data=FULL, actor=reviewer)
    with pytest.raises(ReviewError):
        review_reopen(review=review, reason="x", actor=program_admin)


def test_reopening_a_draft_is_refused(soi, reviewer, selecting_official):
    review = review_save_draft(assignment=assign(soi, reviewer), data={}, actor=reviewer)
    with pytest.raises(TransitionNotAllowed):
        review_reopen(review=review, reason="x", actor=selecting_official)


def test_reopening_without_a_reason_is_refused(soi, reviewer, selecting_official):
    review = review_submit(assignment=assign(soi, reviewer), data=FULL, actor=reviewer)
    with pytest.raises(ReviewError, match="reason"):
        review_reopen(review=review, reason="  ", actor=selecting_official)


# --- screening override ----------------------------------------------------------------


def test_selecting_official_overrides_with_a_reason(soi, selecting_official):
    override = screening_override(
        application=soi, check_key="population", result="pass",
        reason="2025 census estimate is inside the range.", actor=selecting_official,
    )  # fmt: skip
    assert override.history.latest().history_user == selecting_official


def test_override_without_reason_is_refused(soi, selecting_official):
    with pytest.raises(ReviewError, match="reason"):
        screening_override(
            application=soi, check_key="overall", result="pass", reason="", actor=selecting_official
        )


def test_reviewer_cannot_override(soi, reviewer):
    with pytest.raises(ReviewError):
        screening_override(
            application=soi, check_key="overall", result="pass", reason="x", actor=reviewer
        )


def test_override_of_an_unknown_check_is_refused(soi, selecting_official):
    with pytest.raises(ReviewError):
        screening_override(
            application=soi, check_key="bogus", result="pass", reason="x", actor=selecting_official
        )


# --- decisions -------------------------------------------------------------------------


def decide(application, actor, outcome="selected", rationale="Highest ranked; strong letters."):
    return decision_record(
        application=application, outcome=outcome, rationale=rationale, actor=actor
    )


def test_releasing_a_selection_creates_the_site_with_the_soi_details(soi, selecting_official):
    decision = decide(soi, selecting_official)
    # Issue 13 item 6: no site before release, so a selection reversed before it
    # leaves nothing behind.
    assert not Site.objects.filter(application=soi).exists()
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    decision.refresh_from_db()
    site = Site.objects.get(application=soi)
    assert decision.site == site
    assert site.cohort_year == soi.cycle.year
    assert site.jurisdiction == soi.jurisdiction
    assert site.usao_district == soi.judicial_district
    assert decision.history.latest().history_user == selecting_official


def test_not_selected_creates_no_site(soi, selecting_official):
    decide(soi, selecting_official, outcome="not_selected")
    assert not Site.objects.filter(application=soi).exists()


def test_deciding_twice_is_refused_and_the_site_is_created_once(soi, selecting_official):
    decide(soi, selecting_official)
    with pytest.raises(DecisionConflict, match="already recorded 'Selected'"):
        decide(soi, selecting_official)
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    assert Site.objects.filter(application=soi).count() == 1
    assert Decision.objects.filter(application=soi).count() == 1


def test_decision_without_rationale_is_refused(soi, selecting_official):
    with pytest.raises(ReviewError, match="rationale"):
        decide(soi, selecting_official, rationale="   ")


def test_decision_on_a_withdrawn_soi_is_refused(cycle, selecting_official):
    withdrawn = ApplicationFactory(cycle=cycle, withdrawn=True)
    with pytest.raises(TransitionNotAllowed, match="withdrawn"):
        decide(withdrawn, selecting_official)


def test_decision_on_a_soi_failing_screening_is_refused(soi, selecting_official):
    CrimeFigures.objects.filter(application=soi).update(rate="100.0")
    with pytest.raises(TransitionNotAllowed, match="failed screening"):
        decide(soi, selecting_official)
    assert not Site.objects.exists()


def test_decision_after_a_screening_override_is_allowed(soi, selecting_official):
    CrimeFigures.objects.filter(application=soi).update(rate="100.0")
    screening_override(
        application=soi, check_key="crime_rate", result="pass",
        reason="Local records show undercounting.", actor=selecting_official,
    )  # fmt: skip
    assert decide(soi, selecting_official).pk


def test_reviewer_cannot_decide(soi, reviewer):
    with pytest.raises(ReviewError):
        decide(soi, reviewer)


def test_program_admin_cannot_decide(soi, program_admin):
    with pytest.raises(ReviewError):
        decide(soi, program_admin)


def test_scoring_after_a_decision_is_refused(soi, reviewer, selecting_official):
    assignment = assign(soi, reviewer)
    decide(soi, selecting_official)
    with pytest.raises(TransitionNotAllowed, match="decision"):
        review_save_draft(assignment=assignment, data=FULL, actor=reviewer)


def test_program_admin_reverses_with_a_reason_and_a_new_decision_reuses_the_site(
    soi, selecting_official, program_admin
):
    first = decide(soi, selecting_official)
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    decision_reverse(decision=first, reason="Wrong SOI selected.", actor=program_admin)
    first.refresh_from_db()
    assert first.reversed_by == program_admin and first.reversal_reason == "Wrong SOI selected."
    assert first.history.latest().history_user == program_admin
    assert first.site.phase == Site.Phase.WITHDRAWN
    second = decide(soi, selecting_official)
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    second.refresh_from_db()
    assert second.site == first.site  # still exactly one site, back in the program
    assert Site.objects.filter(application=soi).count() == 1
    assert second.site.phase == Site.Phase.ASSESSMENT


def test_selecting_official_cannot_reverse(soi, selecting_official):
    decision = decide(soi, selecting_official)
    with pytest.raises(ReviewError):
        decision_reverse(decision=decision, reason="x", actor=selecting_official)


def test_reversal_without_reason_is_refused(soi, selecting_official, program_admin):
    decision = decide(soi, selecting_official)
    with pytest.raises(ReviewError, match="reason"):
        decision_reverse(decision=decision, reason="", actor=program_admin)


def test_reversing_twice_is_refused(soi, selecting_official, program_admin):
    decision = decide(soi, selecting_official)
    decision_reverse(decision=decision, reason="x", actor=program_admin)
    with pytest.raises(TransitionNotAllowed):
        decision_reverse(decision=decision, reason="y", actor=program_admin)


# --- release and applicant-facing status --------------------------------------------------


def applicant_facing_status(application) -> str:
    # The one source applicants' pages read (reviews supplies the stage past "Submitted").
    return applicant_status(application).label


def test_applicant_status_moves_from_submitted_to_released_outcome(
    soi, reviewer, selecting_official
):
    assert applicant_facing_status(soi) == "Submitted"
    assign(soi, reviewer)
    assert applicant_facing_status(soi) == "Under review"
    decide(soi, selecting_official, outcome="not_selected")
    # Recorded but not released: the applicant still reads "Under review".
    assert applicant_facing_status(soi) == "Under review"
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    assert applicant_facing_status(soi) == "Not selected"


def test_withdrawn_reads_withdrawn(cycle):
    assert applicant_facing_status(ApplicationFactory(cycle=cycle, withdrawn=True)) == "Withdrawn"


def test_release_is_refused_while_a_soi_has_no_decision(cycle, soi, selecting_official):
    ApplicationFactory(cycle=cycle, submitted=True)
    decide(soi, selecting_official)
    with pytest.raises(TransitionNotAllowed, match="1 submitted Statement of Interest"):
        decisions_release(cycle=cycle, actor=selecting_official)


def test_releasing_twice_is_refused(soi, selecting_official):
    decide(soi, selecting_official)
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    with pytest.raises(TransitionNotAllowed, match="no unreleased"):
        decisions_release(cycle=soi.cycle, actor=selecting_official)


def test_reviewer_and_program_admin_cannot_release(
    soi, selecting_official, reviewer, program_admin
):
    decide(soi, selecting_official)
    for actor in (reviewer, program_admin):
        with pytest.raises(ReviewError):
            decisions_release(cycle=soi.cycle, actor=actor)


def test_program_admin_sets_the_number_of_sites_with_a_reason(cycle, program_admin):
    cycle = cycle_set_max_sites(
        cycle=cycle, max_sites=5, reason="Budget for five this year.", actor=program_admin
    )
    cycle.refresh_from_db()
    assert cycle.max_sites == 5
    assert cycle.history.latest().history_user == program_admin
    change = cycle.cap_changes.get()
    assert (change.new_max_sites, change.reason, change.changed_by) == (
        5,
        "Budget for five this year.",
        program_admin,
    )


def test_number_of_sites_change_needs_a_reason(cycle, program_admin):
    with pytest.raises(ReviewError, match="reason"):
        cycle_set_max_sites(cycle=cycle, max_sites=5, reason=" ", actor=program_admin)


@pytest.mark.parametrize("role", ["reviewer", "selecting_official"])
def test_only_a_program_admin_sets_the_number_of_sites(cycle, role, request):
    # The officials who select may not lift the cap on their own selections.
    with pytest.raises(ReviewError):
        cycle_set_max_sites(
            cycle=cycle, max_sites=5, reason="x", actor=request.getfixturevalue(role)
        )


# --- issue 13 item 5: the selection cap is a rule -----------------------------------------


def _two_cities(cycle):
    return [ApplicationFactory(cycle=cycle, submitted=True) for _ in range(2)]


def test_selection_over_the_cap_is_refused(cycle, selecting_official):
    first, second = _two_cities(cycle)
    cycle.max_sites = 1
    cycle.save()
    decide(first, selecting_official)
    with pytest.raises(TransitionNotAllowed, match="takes 1 site and 1 is selected"):
        decide(second, selecting_official)
    assert not Decision.objects.filter(application=second).exists()
    # "Not selected" is not capped.
    decide(second, selecting_official, outcome="not_selected")


def test_release_is_refused_while_over_the_cap(cycle, selecting_official, program_admin):
    first, second = _two_cities(cycle)
    decide(first, selecting_official)
    decide(second, selecting_official)
    cycle_set_max_sites(cycle=cycle, max_sites=1, reason="Budget cut.", actor=program_admin)
    with pytest.raises(TransitionNotAllowed, match="takes 1 site and 2 are selected"):
        decisions_release(cycle=cycle, actor=selecting_official)
    assert not Decision.objects.exclude(released_at=None).exists()
    assert not Site.objects.exists()
    cycle_set_max_sites(cycle=cycle, max_sites=2, reason="Budget restored.", actor=program_admin)
    assert len(decisions_release(cycle=cycle, actor=selecting_official)) == 2


def test_raising_the_cap_allows_the_next_selection(cycle, selecting_official, program_admin):
    first, second = _two_cities(cycle)
    cycle.max_sites = 1
    cycle.save()
    decide(first, selecting_official)
    cycle_set_max_sites(cycle=cycle, max_sites=2, reason="A second award.", actor=program_admin)
    assert decide(second, selecting_official).outcome == "selected"


# --- issue 13 item 6: a reversed selection leaves no site behind ---------------------------


def test_reversing_an_unreleased_selection_leaves_no_site(soi, selecting_official, program_admin):
    decision = decide(soi, selecting_official)
    decision_reverse(decision=decision, reason="Selected by mistake.", actor=program_admin)
    assert not Site.objects.exists()


def test_reversing_a_released_selection_withdraws_its_site(soi, selecting_official, program_admin):
    decision = decide(soi, selecting_official)
    decisions_release(cycle=soi.cycle, actor=selecting_official)
    decision.refresh_from_db()
    decision_reverse(decision=decision, reason="Jurisdiction declined.", actor=program_admin)
    site = Site.objects.get(application=soi)
    assert site.phase == Site.Phase.WITHDRAWN
    assert site.withdrawal_reason == "Selection reversed: Jurisdiction declined."
    assert site.history.latest().history_user == program_admin
    assert not Site.objects.in_program().exists()


def test_submitted_review_factory_totals(soi):
    review = ReviewFactory(submitted=True)
    assert review.total_score == 18
    assert not ScreeningOverride.objects.exists()
