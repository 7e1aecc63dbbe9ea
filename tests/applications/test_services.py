"""Services: start, section saves, submit, withdraw. One test per legal or illegal move."""

import datetime

import pytest
from django.utils import timezone

from applications.models import Application, Certification
from applications.sections import COMPLETE, IN_PROGRESS, NOT_STARTED, application_progress
from applications.services import (
    ApplicationError,
    StaleSection,
    TransitionNotAllowed,
    application_section_save,
    application_start,
    application_submit,
    application_withdraw,
)
from applications.snapshot import build_snapshot, canonical_json, snapshot_digest
from applications.views.common import load_full
from tests.factories import ApplicantFactory, ApplicationFactory, CycleFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- start -----------------------------------------------------------------------------


def test_start_creates_a_draft_for_the_applicants_jurisdiction(applicant, cycle):
    application, created = application_start(cycle=cycle, actor=applicant)
    assert created
    assert application.status == Application.Status.DRAFT
    assert application.jurisdiction == applicant.jurisdiction
    assert application.history.latest().history_user == applicant


def test_second_start_returns_the_existing_soi(applicant, draft):
    application, created = application_start(cycle=draft.cycle, actor=applicant)
    assert not created
    assert application.pk == draft.pk
    assert Application.objects.filter(cycle=draft.cycle).count() == 1


def test_colleague_start_returns_the_same_soi(draft):
    colleague = ApplicantFactory(jurisdiction=draft.jurisdiction)
    application, created = application_start(cycle=draft.cycle, actor=colleague)
    assert (application.pk, created) == (draft.pk, False)


def test_first_applicant_creates_the_jurisdiction(cycle):
    newcomer = UserFactory(roles=["Applicant"])
    application, created = application_start(
        cycle=cycle,
        actor=newcomer,
        jurisdiction_data={"name": "City of Toledo", "kind": "city", "state": "OH"},
    )
    newcomer.refresh_from_db()
    assert created and newcomer.jurisdiction.name == "City of Toledo"
    assert application.jurisdiction == newcomer.jurisdiction


def test_existing_jurisdiction_cannot_be_claimed_by_name(applicant, cycle):
    newcomer = UserFactory(roles=["Applicant"])
    j = applicant.jurisdiction
    with pytest.raises(ApplicationError, match="already registered"):
        application_start(
            cycle=cycle,
            actor=newcomer,
            jurisdiction_data={"name": j.name.upper(), "kind": j.kind, "state": j.state},
        )
    newcomer.refresh_from_db()
    assert newcomer.jurisdiction is None


def test_start_refused_after_the_deadline(applicant):
    closed = CycleFactory(closed=True)
    with pytest.raises(ApplicationError, match="closed on"):
        application_start(cycle=closed, actor=applicant)


# --- sections --------------------------------------------------------------------------


def test_section_save_writes_and_bumps_version(applicant, draft):
    before = draft.version
    saved = application_section_save(
        application=draft,
        section="profile",
        data={"population": 270000, "lead_agency_ori": "OH0570100"},
        loaded_version=before,
        actor=applicant,
    )
    assert saved.version == before + 1
    assert saved.population == 270000
    assert saved.section_saves["profile"]["version"] == saved.version
    assert saved.history.latest().history_user == applicant


def test_stale_section_save_refused_and_nothing_written(applicant, draft):
    colleague = ApplicantFactory(jurisdiction=draft.jurisdiction)
    loaded = draft.version
    application_section_save(
        application=draft,
        section="profile",
        data={"population": 1000},
        loaded_version=loaded,
        actor=colleague,
    )
    with pytest.raises(StaleSection) as exc:
        application_section_save(
            application=draft,
            section="profile",
            data={"population": 2000},
            loaded_version=loaded,
            actor=applicant,
        )
    assert str(exc.value).startswith("Someone else saved this section at ")
    assert str(exc.value).endswith("review their changes.")
    draft.refresh_from_db()
    assert draft.population == 1000


def test_save_of_another_section_is_not_a_conflict(applicant, draft):
    loaded = draft.version
    application_section_save(
        application=draft,
        section="narrative",
        data={"narrative_problem": "x"},
        loaded_version=loaded,
        actor=applicant,
    )
    # The profile form was loaded before the narrative save; it is not stale.
    saved = application_section_save(
        application=draft,
        section="profile",
        data={"population": 5},
        loaded_version=loaded,
        actor=applicant,
    )
    assert saved.population == 5


def test_submitted_soi_sections_cannot_change(applicant, submitted):
    with pytest.raises(ApplicationError, match="can no longer change"):
        application_section_save(
            application=submitted,
            section="profile",
            data={"population": 1},
            loaded_version=submitted.version,
            actor=applicant,
        )


def test_progress_states_follow_the_data(applicant, draft):
    states = {s.key: s.state for s in application_progress(load_full(draft))}
    assert set(states.values()) == {NOT_STARTED}
    application_section_save(
        application=draft,
        section="profile",
        data={"population": 270000},
        loaded_version=draft.version,
        actor=applicant,
    )
    states = {s.key: s.state for s in application_progress(load_full(draft))}
    assert states["profile"] == IN_PROGRESS
    application_section_save(
        application=draft,
        section="profile",
        data={
            "population": 270000,
            "population_year": 2025,
            "lead_agency_name": "PD",
            "lead_agency_ori": "OH0570100",
            "judicial_district": "OHN",
        },
        loaded_version=None,
        actor=applicant,
    )
    states = {s.key: s.state for s in application_progress(load_full(draft))}
    assert states["profile"] == COMPLETE


# --- submit ----------------------------------------------------------------------------


def _submit(application, actor, **kwargs):
    kwargs.setdefault("ip", "203.0.113.7")
    kwargs.setdefault("attested", True)
    return application_submit(application=application, actor=actor, **kwargs)


def test_submit_locks_assigns_reference_and_freezes(applicant, complete_draft):
    application = _submit(complete_draft, applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.reference_number == "PSP-2026-0001"
    assert application.submitted_by == applicant
    assert application.snapshot["reference_number"] == "PSP-2026-0001"
    assert application.snapshot_sha256 == snapshot_digest(application.snapshot)
    assert application.history.latest().history_user == applicant


def test_reference_numbers_are_sequential_per_year(applicant, other_applicant, cycle):
    first = ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )
    second = ApplicationFactory(
        cycle=cycle,
        jurisdiction=other_applicant.jurisdiction,
        created_by=other_applicant,
        complete=True,
    )
    assert _submit(first, applicant).reference_number == "PSP-2026-0001"
    assert _submit(second, other_applicant).reference_number == "PSP-2026-0002"


def test_submit_keeps_the_officers_signature_and_records_the_submitter(applicant, complete_draft):
    cert = Certification.objects.select_related("signature").get(application=complete_draft)
    officer = cert.signer
    _submit(complete_draft, applicant, ip="198.51.100.4")
    cert.refresh_from_db()
    complete_draft.refresh_from_db()
    text = complete_draft.cycle.certification_text
    assert cert.text_version == text
    assert cert.text_sha256 == text.sha256 == text.compute_sha256()
    # The chief legal officer signed; the applicant only submitted.
    assert cert.signer == officer and officer != applicant
    assert cert.signer.email == cert.clo_email
    assert complete_draft.submitted_by == applicant
    assert complete_draft.snapshot["certification"]["signature"]["signer_email"] == cert.clo_email


def test_submit_twice_refused(applicant, complete_draft):
    _submit(complete_draft, applicant)
    with pytest.raises(TransitionNotAllowed, match="already been submitted"):
        _submit(complete_draft, applicant)


def test_submit_after_deadline_refused_naming_the_deadline(applicant, complete_draft):
    cycle = complete_draft.cycle
    cycle.closes_at = timezone.make_aware(datetime.datetime(2026, 4, 18, 23, 59))  # ET
    cycle.opens_at = cycle.closes_at - datetime.timedelta(days=50)
    cycle.save()
    with pytest.raises(TransitionNotAllowed) as exc:
        _submit(complete_draft, applicant)
    assert "April 18, 2026 at 11:59 PM ET" in str(exc.value)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Application.Status.DRAFT


def test_unverified_applicant_cannot_submit(complete_draft):
    unverified = ApplicantFactory(jurisdiction=complete_draft.jurisdiction, verified=False)
    with pytest.raises(TransitionNotAllowed, match="Confirm your email"):
        _submit(complete_draft, unverified)


def test_incomplete_draft_cannot_be_submitted(applicant, draft):
    with pytest.raises(TransitionNotAllowed, match="Complete these sections first"):
        _submit(draft, applicant)


def test_draft_with_a_partial_crime_year_cannot_be_submitted(applicant, complete_draft):
    from applications.models import CrimeFigures

    first = complete_draft.cycle.crime_years[0]
    CrimeFigures.objects.filter(application=complete_draft, year=first).update(
        population=None, rate=None
    )
    with pytest.raises(TransitionNotAllowed, match="Violent-crime figures"):
        _submit(complete_draft, applicant)


def test_submit_requires_attestation(applicant, complete_draft):
    with pytest.raises(TransitionNotAllowed, match="attestation"):
        _submit(complete_draft, applicant, attested=False)


def test_other_jurisdiction_cannot_submit(other_applicant, complete_draft):
    with pytest.raises(TransitionNotAllowed):
        _submit(complete_draft, other_applicant)


def test_snapshot_digest_is_stable(applicant, complete_draft):
    application = _submit(complete_draft, applicant)
    application.refresh_from_db()
    # Rebuilt from the database, the canonical JSON gives the same digest.
    rebuilt = build_snapshot(load_full(application))
    assert snapshot_digest(rebuilt) == application.snapshot_sha256
    assert canonical_json(application.snapshot) == canonical_json(rebuilt)


def test_canonical_json_ignores_key_order():
    assert snapshot_digest({"b": 1, "a": [1, 2]}) == snapshot_digest({"a": [1, 2], "b": 1})


# --- withdraw --------------------------------------------------------------------------


def test_withdraw_records_reason_and_actor(applicant, submitted):
    application = application_withdraw(
        application=submitted, actor=applicant, reason="Changed plans"
    )
    assert application.status == Application.Status.WITHDRAWN
    assert application.withdrawn_by == applicant
    assert application.withdrawal_reason == "Changed plans"
    assert application.history.latest().history_user == applicant


def test_withdraw_needs_a_reason(applicant, submitted):
    with pytest.raises(TransitionNotAllowed, match="reason"):
        application_withdraw(application=submitted, actor=applicant, reason="  ")


def test_draft_cannot_be_withdrawn(applicant, draft):
    with pytest.raises(TransitionNotAllowed):
        application_withdraw(application=draft, actor=applicant, reason="x")


def test_withdrawn_cannot_be_withdrawn_again(applicant, cycle):
    withdrawn = ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, withdrawn=True
    )
    with pytest.raises(TransitionNotAllowed):
        application_withdraw(application=withdrawn, actor=applicant, reason="x")
