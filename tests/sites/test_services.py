import datetime

import pytest
from django.db import IntegrityError

from accounts import roles
from sites.models import Site, SiteLiaisonAssignment
from sites.services import (
    SiteError,
    goal_save,
    site_assign_liaison,
    site_change_phase,
    site_create,
    site_end_liaison,
    site_update,
    team_member_save,
)
from tests.conftest import make_staff
from tests.factories import JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_site_create_by_admin_opens_three_years_in_assessment(program_admin, liaison):
    jurisdiction = JurisdictionFactory(name="Anniston", state="AL")
    site = site_create(
        jurisdiction=jurisdiction,
        cohort_year=2019,
        usao_district="ALN",
        start_date=datetime.date(2019, 9, 1),
        liaison=liaison,
        focus_areas=["gun_violence", "crime_analysis"],
        actor=program_admin,
    )
    site.refresh_from_db()
    assert site.phase == Site.Phase.ASSESSMENT
    assert site.phase_started_on == datetime.date(2019, 9, 1)
    assert site.expected_end_date == datetime.date(2022, 9, 1)
    assert site.liaison == liaison
    assert site.application is None
    assert [p.phase for p in site.phases.all()] == ["assessment"]
    assert sorted(r.focus_area for r in site.focus_area_rows.all()) == [
        "crime_analysis",
        "gun_violence",
    ]
    assert site.liaison_assignments.get().started_on == datetime.date(2019, 9, 1)
    # Audit: the creation is attributed to the admin, not to "system".
    assert site.history.earliest().history_user == program_admin


def test_site_create_refuses_second_site_in_same_cohort(program_admin):
    site = SiteFactory(cohort_year=2021)
    with pytest.raises(SiteError, match="already has a site"):
        site_create(
            jurisdiction=site.jurisdiction,
            cohort_year=2021,
            usao_district="OHN",
            actor=program_admin,
        )


def test_site_create_refuses_engagement_level_outside_2017_2018(program_admin):
    with pytest.raises(SiteError, match="2017 and 2018"):
        site_create(
            jurisdiction=JurisdictionFactory(),
            cohort_year=2021,
            usao_district="OHN",
            engagement_level=Site.EngagementLevel.DIAGNOSTIC,
            actor=program_admin,
        )


def test_site_create_keeps_engagement_level_for_2017(program_admin):
    site = site_create(
        jurisdiction=JurisdictionFactory(name="Memphis", state="TN"),
        cohort_year=2017,
        usao_district="TNW",
        engagement_level=Site.EngagementLevel.OPERATIONS,
        actor=program_admin,
    )
    assert site.get_engagement_level_display() == "Operations site"


def test_site_create_refuses_unknown_focus_area(program_admin):
    with pytest.raises(SiteError, match="Unknown focus area: astrology"):
        site_create(
            jurisdiction=JurisdictionFactory(),
            cohort_year=2022,
            usao_district="OHN",
            focus_areas=["astrology"],
            actor=program_admin,
        )
    assert not Site.objects.exists()  # the whole creation rolled back


def test_phase_moves_forward_and_records_the_date(program_admin):
    site = SiteFactory()
    site_change_phase(
        site=site,
        phase=Site.Phase.STRATEGIC_PLANNING,
        started_on=datetime.date(2025, 2, 1),
        actor=program_admin,
    )
    site.refresh_from_db()
    assert site.phase == Site.Phase.STRATEGIC_PLANNING
    assert site.phase_started_on == datetime.date(2025, 2, 1)
    assert [(p.phase, p.started_on) for p in site.phases.all()] == [
        ("assessment", datetime.date(2024, 10, 1)),
        ("strategic_planning", datetime.date(2025, 2, 1)),
    ]
    assert site.history.latest().history_user == program_admin


def test_phase_cannot_skip_ahead(program_admin):
    site = SiteFactory()
    with pytest.raises(SiteError, match="cannot move to Implementation"):
        site_change_phase(site=site, phase=Site.Phase.IMPLEMENTATION, actor=program_admin)


def test_graduated_site_cannot_change_phase(program_admin):
    site = SiteFactory(phase=Site.Phase.GRADUATED)
    with pytest.raises(SiteError):
        site_change_phase(site=site, phase=Site.Phase.SUSTAINMENT, actor=program_admin)


def test_phase_cannot_begin_before_the_current_one(program_admin):
    site = SiteFactory()
    with pytest.raises(SiteError, match="before the current phase"):
        site_change_phase(
            site=site,
            phase=Site.Phase.STRATEGIC_PLANNING,
            started_on=datetime.date(2024, 1, 1),
            actor=program_admin,
        )


def test_new_liaison_closes_the_previous_assignment(program_admin, liaison):
    site = SiteFactory(liaison=liaison)
    successor = make_staff(roles.SITE_LIAISON)
    site_assign_liaison(
        site=site, liaison=successor, started_on=datetime.date(2025, 6, 1), actor=program_admin
    )
    site.refresh_from_db()
    assert site.liaison == successor
    rows = list(site.liaison_assignments.order_by("started_on"))
    assert [(r.liaison, r.ended_on) for r in rows] == [
        (liaison, datetime.date(2025, 6, 1)),
        (successor, None),
    ]
    assert rows[1].history.latest().history_user == program_admin


def test_only_liaisons_can_be_assigned(program_admin, reviewer):
    with pytest.raises(SiteError, match="Site liaison role"):
        site_assign_liaison(site=SiteFactory(), liaison=reviewer, actor=program_admin)


def test_database_refuses_two_open_assignments(liaison):
    site = SiteFactory(liaison=liaison)
    with pytest.raises(IntegrityError):
        SiteLiaisonAssignment.objects.create(
            site=site, liaison=liaison, started_on=datetime.date(2025, 1, 1)
        )


def test_end_liaison_leaves_history(program_admin, liaison):
    site = SiteFactory(liaison=liaison)
    site_end_liaison(site=site, ended_on=datetime.date(2025, 5, 5), actor=program_admin)
    site.refresh_from_db()
    assert site.liaison is None
    assert site.liaison_assignments.get().ended_on == datetime.date(2025, 5, 5)


def test_site_update_changes_profile_and_focus_areas(program_admin):
    site = SiteFactory()
    site_update(
        site=site,
        summary="Focus on NIBIN leads.",
        focus_areas=["gun_violence"],
        actor=program_admin,
    )
    site.refresh_from_db()
    assert site.summary == "Focus on NIBIN leads."
    assert [r.focus_area for r in site.focus_area_rows.all()] == ["gun_violence"]
    with pytest.raises(SiteError, match="cannot be changed here"):
        site_update(site=site, phase="graduated", actor=program_admin)


def test_team_member_and_goal_are_audited(program_admin):
    site = SiteFactory()
    member = team_member_save(
        site=site, role="fbi", name="Dana Agent", email="dana@fbi.example.gov", actor=program_admin
    )
    goal = goal_save(
        site=site, title="Stand up a crime-gun intelligence center", actor=program_admin
    )
    assert member.history.latest().history_user == program_admin
    assert goal.history.latest().history_user == program_admin
    assert goal.status == "not_started"


def _selected_application(applicant, district="ALN"):
    # Built by hand from the intake app's models (its seed migration provides the texts).
    from applications.models import (
        Application,
        CertificationText,
        Cycle,
        IceQuestionSet,
        NationalCrimeRate,
    )

    rate = NationalCrimeRate.objects.create(year=2018, rate="368.9", source_edition="CIUS 2018")
    cycle = Cycle.objects.create(
        name="2019 cycle",
        year=2019,
        opens_at=datetime.datetime(2019, 2, 25, 12, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2019, 4, 19, 3, 59, tzinfo=datetime.UTC),
        national_rate=rate,
        certification_text=CertificationText.objects.first(),
        question_set=IceQuestionSet.objects.first(),
    )
    return Application.objects.create(
        cycle=cycle,
        jurisdiction=applicant.jurisdiction,
        created_by=applicant,
        judicial_district=district,
    )


def test_site_create_from_application_uses_cycle_year_and_district(applicant, program_admin):
    from sites.services import site_create_from_application

    application = _selected_application(applicant)
    site = site_create_from_application(application=application, actor=program_admin)
    assert site.application == application
    assert site.jurisdiction == applicant.jurisdiction
    assert site.cohort_year == 2019
    assert site.usao_district == "ALN"
    assert site.phase == Site.Phase.ASSESSMENT
    assert site.history.earliest().history_user == program_admin
    # The same SOI cannot create a second site.
    with pytest.raises(SiteError):
        site_create_from_application(application=application, actor=program_admin)


def test_site_update_refuses_moving_into_a_taken_cohort(program_admin):
    earlier = SiteFactory(cohort_year=2017)
    later = SiteFactory(jurisdiction=earlier.jurisdiction, cohort_year=2018)
    with pytest.raises(SiteError, match="already has a site in the 2017 cohort"):
        site_update(site=later, cohort_year=2017, actor=program_admin)


def test_site_from_a_complete_soi_carries_focus_areas_and_contacts(program_admin):
    from program.focus_areas import FocusArea
    from sites.services import site_create_from_application
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(submitted=True)  # complete: five contacts, two focus areas
    site = site_create_from_application(application=application, actor=program_admin)
    chosen = {row.focus_area for row in site.focus_area_rows.all()}
    assert chosen == {FocusArea.CRIME_ANALYSIS, FocusArea.GUN_VIOLENCE}
    roster = {member.name: member for member in site.team.all()}
    contacts = {c.name: c for c in application.contacts.all()}
    assert set(roster) == set(contacts)
    clo = next(c for c in contacts.values() if c.role == "chief_legal_officer")
    assert roster[clo.name].role == "executive"
    assert "chief legal officer" in roster[clo.name].title
    assert roster[clo.name].email == clo.email
    assert roster[clo.name].history.earliest().history_user == program_admin


# --- issue 13 item 6: the "withdrawn" end state ---------------------------------------------


def test_site_withdraw_records_reason_who_and_a_phase_row(program_admin):
    from sites.services import site_withdraw

    site = SiteFactory()
    site_withdraw(site=site, reason="Selection reversed.", actor=program_admin)
    site.refresh_from_db()
    assert (site.phase, site.withdrawal_reason) == (Site.Phase.WITHDRAWN, "Selection reversed.")
    assert site.withdrawn_on is not None
    assert site.history.latest().history_user == program_admin
    assert site.phases.last().phase == Site.Phase.WITHDRAWN
    assert site.next_phases == []  # an end state: no phase change after it


def test_site_withdraw_needs_a_reason(program_admin):
    from sites.services import SiteError, site_withdraw

    with pytest.raises(SiteError, match="reason"):
        site_withdraw(site=SiteFactory(), reason=" ", actor=program_admin)


def test_graduated_site_cannot_be_withdrawn(program_admin):
    from sites.services import SiteError, site_withdraw

    site = SiteFactory(phase=Site.Phase.GRADUATED)
    with pytest.raises(SiteError, match="graduated site cannot be withdrawn"):
        site_withdraw(site=site, reason="x", actor=program_admin)


def test_withdrawn_site_leaves_the_list_and_the_state_figures(client, program_admin):
    from django.urls import reverse

    from engagements.stats import program_figures
    from sites.services import site_withdraw

    kept = SiteFactory()
    gone = SiteFactory()
    site_withdraw(site=gone, reason="Selection reversed.", actor=program_admin)
    client.force_login(program_admin)
    listed = client.get(reverse("sites:list")).context["page"].object_list
    assert [site.pk for site in listed] == [kept.pk]
    # Still found on purpose, with its history.
    asked = client.get(reverse("sites:list"), {"phase": "withdrawn"}).context["page"]
    assert [site.pk for site in asked.object_list] == [gone.pk]
    assert client.get(reverse("sites:detail", args=[gone.pk])).status_code == 200
    assert program_figures(year=2026)["totals"]["sites"] == 1
