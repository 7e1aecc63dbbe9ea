"""The state flow of a year's figures and who may take each step."""

import datetime

import pytest
from django.core import mail

from accounts import roles
from outcomes.models import OutcomeDueDate, OutcomeYear
from outcomes.services import (
    OutcomeError,
    TransitionNotAllowed,
    outcome_baseline_from_soi,
    outcome_due_date_set,
    outcome_enter,
    outcome_return,
    outcome_submit,
    outcome_verify,
    outcomes_open_due,
)
from tests.conftest import make_staff
from tests.factories import ApplicantFactory, SiteFactory

pytestmark = pytest.mark.django_db
Status = OutcomeYear.Status


def _submitted(site, site_user, figures, year=2020):
    return outcome_enter(site=site, year=year, actor=site_user, submit=True, **figures)


def test_site_user_enters_a_year_as_due_with_audit(site, site_user, figures):
    row = outcome_enter(site=site, year=2020, actor=site_user, **figures)
    assert row.status == Status.DUE
    assert row.offenses == 1700 and row.population == 200_000
    assert row.entered_by == site_user
    assert row.history.latest().history_user == site_user


def test_enter_and_submit_sends_to_the_liaison(site, site_user, figures):
    row = _submitted(site, site_user, figures)
    assert row.status == Status.SUBMITTED and row.submitted_at is not None


def test_baseline_year_entered_without_soi_is_marked_baseline(site, site_user, figures):
    row = outcome_enter(site=site, year=2017, actor=site_user, **figures)
    assert row.is_baseline


def test_other_jurisdiction_applicant_may_not_enter(site, other_applicant, figures):
    with pytest.raises(OutcomeError):
        outcome_enter(site=site, year=2020, actor=other_applicant, **figures)
    assert not OutcomeYear.objects.exists()


def test_liaison_may_not_enter_the_figures_they_verify(site, liaison, figures):
    with pytest.raises(OutcomeError):
        outcome_enter(site=site, year=2020, actor=liaison, **figures)


def test_program_admin_may_enter(site, program_admin, figures):
    row = outcome_enter(site=site, year=2020, actor=program_admin, submit=True, **figures)
    assert row.status == Status.SUBMITTED


def test_year_not_ended_is_refused(site, site_user, figures):
    this_year = datetime.date.today().year
    with pytest.raises(OutcomeError, match="year has ended"):
        outcome_enter(site=site, year=this_year, actor=site_user, **figures)


def test_site_user_may_not_enter_a_year_outside_the_followed_years(site, site_user, figures):
    with pytest.raises(OutcomeError, match="not one the site reports"):
        outcome_enter(site=site, year=2010, actor=site_user, **figures)


def test_bad_figures_are_refused_with_field_messages(site, site_user, figures):
    figures.update(population=0, robbery=None)
    with pytest.raises(OutcomeError) as caught:
        outcome_enter(site=site, year=2020, actor=site_user, **figures)
    assert set(caught.value.errors) == {"population", "robbery"}


def test_submit_from_due_requires_figures(site, site_user):
    row = OutcomeYear.objects.create(site=site, year=2020, status=Status.DUE)
    with pytest.raises(OutcomeError, match="Enter every figure"):
        outcome_submit(outcome=row, actor=site_user)


def test_submit_after_entering(site, site_user, figures):
    row = outcome_enter(site=site, year=2020, actor=site_user, **figures)
    row = outcome_submit(outcome=row, actor=site_user)
    assert row.status == Status.SUBMITTED


def test_submitted_year_cannot_be_submitted_again(site, site_user, figures):
    row = _submitted(site, site_user, figures)
    with pytest.raises(TransitionNotAllowed):
        outcome_submit(outcome=row, actor=site_user)


def test_submitted_year_cannot_be_edited(site, site_user, figures):
    _submitted(site, site_user, figures)
    with pytest.raises(TransitionNotAllowed, match="submitted"):
        outcome_enter(site=site, year=2020, actor=site_user, **figures)


def test_liaison_verifies_submitted_figures(site, site_user, liaison, figures):
    row = outcome_verify(outcome=_submitted(site, site_user, figures), actor=liaison)
    assert row.status == Status.VERIFIED and row.reviewed_by == liaison
    assert row.history.latest().history_user == liaison


def test_verified_year_cannot_be_edited(site, site_user, liaison, figures):
    outcome_verify(outcome=_submitted(site, site_user, figures), actor=liaison)
    with pytest.raises(TransitionNotAllowed):
        outcome_enter(site=site, year=2020, actor=site_user, **figures)


def test_verify_twice_is_refused(site, site_user, liaison, figures):
    row = outcome_verify(outcome=_submitted(site, site_user, figures), actor=liaison)
    with pytest.raises(TransitionNotAllowed):
        outcome_verify(outcome=row, actor=liaison)


def test_due_year_cannot_be_verified(site, site_user, liaison, figures):
    row = outcome_enter(site=site, year=2020, actor=site_user, **figures)
    with pytest.raises(TransitionNotAllowed):
        outcome_verify(outcome=row, actor=liaison)


def test_due_year_cannot_be_returned(site, site_user, liaison, figures):
    row = outcome_enter(site=site, year=2020, actor=site_user, **figures)
    with pytest.raises(TransitionNotAllowed):
        outcome_return(outcome=row, reason="No.", actor=liaison)


@pytest.mark.parametrize("who", ["site_user", "other_liaison", "program_admin"])
def test_only_the_sites_liaison_verifies_or_returns(site, site_user, figures, who, program_admin):
    row = _submitted(site, site_user, figures)
    actor = {
        "site_user": site_user,
        "other_liaison": make_staff(roles.SITE_LIAISON),
        "program_admin": program_admin,
    }[who]
    with pytest.raises(OutcomeError):
        outcome_verify(outcome=row, actor=actor)
    with pytest.raises(OutcomeError):
        outcome_return(outcome=row, reason="Check.", actor=actor)
    row.refresh_from_db()
    assert row.status == Status.SUBMITTED


def test_return_needs_a_reason(site, site_user, liaison, figures):
    row = _submitted(site, site_user, figures)
    with pytest.raises(OutcomeError) as caught:
        outcome_return(outcome=row, reason="  ", actor=liaison)
    assert "reason" in caught.value.errors


def test_return_then_fix_then_verify(
    site, site_user, liaison, figures, django_capture_on_commit_callbacks
):
    row = _submitted(site, site_user, figures)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = outcome_return(outcome=row, reason="Robbery looks doubled.", actor=liaison)
    assert callbacks  # the mail to the site goes only after commit
    assert row.status == Status.RETURNED and row.return_reason == "Robbery looks doubled."
    assert [m.to for m in mail.outbox] == [[site_user.email]]
    assert "Robbery looks doubled." in mail.outbox[0].body
    figures["robbery"] = 200
    row = outcome_enter(site=site, year=2020, actor=site_user, submit=True, **figures)
    assert row.status == Status.SUBMITTED
    row = outcome_verify(outcome=row, actor=liaison)
    assert row.status == Status.VERIFIED and row.robbery == 200 and row.return_reason == ""
    statuses = [h.status for h in row.history.order_by("history_date")]
    assert statuses == ["submitted", "returned", "submitted", "verified"]


def test_verified_year_may_be_returned_for_correction(site, site_user, liaison, figures):
    row = outcome_verify(outcome=_submitted(site, site_user, figures), actor=liaison)
    row = outcome_return(outcome=row, reason="FBI revised 2020.", actor=liaison)
    assert row.status == Status.RETURNED


def _soi_site(program_admin):
    from sites.services import site_create_from_application
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(submitted=True)
    return site_create_from_application(application=application, actor=program_admin)


def test_selected_soi_baseline_is_copied_as_verified_baseline_years(
    program_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        site = _soi_site(program_admin)
    rows = list(OutcomeYear.objects.filter(site=site))
    figures = list(site.application.crime_figures.order_by("year"))
    assert [r.year for r in rows] == [f.year for f in figures] and len(rows) == 3
    assert all(r.is_baseline and r.status == Status.VERIFIED for r in rows)
    assert all(r.origin == OutcomeYear.Origin.SOI for r in rows)
    assert rows[0].offenses == figures[0].total and rows[0].population == figures[0].population
    # Idempotent: a second copy creates nothing.
    assert outcome_baseline_from_soi(site=site) == 0


def test_daily_run_copies_a_missing_baseline(program_admin):
    site = _soi_site(program_admin)  # on-commit callbacks not run: the receiver's task never ran
    assert not OutcomeYear.objects.filter(site=site).exists()
    outcomes_open_due(today=datetime.date(2026, 1, 1))
    assert OutcomeYear.objects.filter(site=site, is_baseline=True).count() == 3


def test_due_date_opens_rows_and_reminds_site_and_liaison_once(
    site, site_user, liaison, program_admin, django_capture_on_commit_callbacks
):
    colleague = ApplicantFactory(jurisdiction=site.jurisdiction)
    not_followed = SiteFactory(  # a 2024 site starts after 2021: no 2021 row for it
        cohort_year=2024, start_date=datetime.date(2024, 10, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome_due_date_set(year=2021, due_on=datetime.date(2022, 10, 1), actor=program_admin)
    row = OutcomeYear.objects.get(site=site, year=2021)
    assert row.status == Status.DUE and row.reminded_at is not None
    assert not OutcomeYear.objects.filter(site=not_followed).exists()
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([site_user.email, colleague.email, liaison.email])
    assert "2021" in mail.outbox[0].subject
    # A second run (the daily task) opens nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert outcomes_open_due(today=datetime.date(2026, 1, 1)) == 0
    assert len(mail.outbox) == 3


def test_reminder_is_sent_once_even_when_delivered_twice(
    site, site_user, program_admin, django_capture_on_commit_callbacks
):
    from outcomes.notifications import send_due_reminder

    row = OutcomeYear.objects.create(site=site, year=2021, status=Status.DUE)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminder(outcome_id=row.pk) == 2  # site user and liaison
        assert send_due_reminder(outcome_id=row.pk) == 0
    assert len(mail.outbox) == 2


def test_future_due_date_opens_nothing_yet(site, program_admin, django_capture_on_commit_callbacks):
    future = datetime.date.today() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        due = outcome_due_date_set(year=2025, due_on=future, actor=program_admin)
    assert due.history.latest().history_user == program_admin
    assert not OutcomeYear.objects.exists()
    assert outcomes_open_due(today=future) >= 0
    assert OutcomeYear.objects.filter(site=site, year=2025).exists() is False  # 2025 > 2024


def test_only_outcome_managers_set_due_dates(liaison):
    with pytest.raises(OutcomeError):
        outcome_due_date_set(year=2021, due_on=datetime.date(2022, 10, 1), actor=liaison)
    assert not OutcomeDueDate.objects.exists()


def test_site_without_liaison_is_verified_by_a_program_admin(program_admin, figures):
    alumni = SiteFactory(cohort_year=2019, start_date=datetime.date(2019, 10, 1))
    user = ApplicantFactory(jurisdiction=alumni.jurisdiction)
    row = outcome_enter(site=alumni, year=2020, actor=user, submit=True, **figures)
    with pytest.raises(OutcomeError):
        outcome_verify(outcome=row, actor=make_staff(roles.SITE_LIAISON))
    with pytest.raises(OutcomeError):
        outcome_verify(outcome=row, actor=user)
    assert outcome_verify(outcome=row, actor=program_admin).status == Status.VERIFIED
