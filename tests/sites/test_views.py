import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils.html import escape

from accounts import roles
from engagements.models import Engagement
from sites.models import Site, SiteFocusArea
from tests.conftest import make_staff
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant_site(applicant):
    return SiteFactory(
        jurisdiction=applicant.jurisdiction,
        summary="Public profile text.",
        internal_notes="Chief is leaving in March.",
    )


# --- list ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "selecting_official", "liaison", "program_admin"])
def test_staff_roles_see_every_site_in_the_list(client, request, role):
    SiteFactory(jurisdiction=JurisdictionFactory(name="Wichita", state="KS"))
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("sites:list"))
    assert response.status_code == 200
    assert b"Wichita" in response.content


def test_applicant_lists_only_their_own_site(client, applicant, applicant_site):
    SiteFactory(jurisdiction=JurisdictionFactory(name="Elsewhere City"))
    client.force_login(applicant)
    response = client.get(reverse("sites:list"))
    assert applicant_site.jurisdiction.name.encode() in response.content
    assert b"Elsewhere City" not in response.content


def test_list_requires_sign_in(client):
    response = client.get(reverse("sites:list"))
    assert response.status_code == 302


def test_list_filters_and_search(client, reviewer, liaison):
    tulsa = SiteFactory(
        jurisdiction=JurisdictionFactory(name="Tulsa", state="OK"), cohort_year=2018,
        liaison=liaison, phase=Site.Phase.IMPLEMENTATION,
    )  # fmt: skip
    SiteFactory(jurisdiction=JurisdictionFactory(name="Miami", state="FL"), cohort_year=2018)
    SiteFactory(jurisdiction=JurisdictionFactory(name="Toledo", state="OH"), cohort_year=2017)
    SiteFocusArea.objects.create(site=tulsa, focus_area="gun_violence")
    client.force_login(reviewer)
    url = reverse("sites:list")

    def names(**params):
        content = client.get(url, params).content.decode()
        return [n for n in ("Tulsa", "Miami", "Toledo") if f">{n}, " in content]

    assert names(cohort_year=2018) == ["Tulsa", "Miami"]
    assert names(phase="implementation") == ["Tulsa"]
    assert names(state="OH") == ["Toledo"]
    assert names(liaison=liaison.pk) == ["Tulsa"]
    assert names(focus_area="gun_violence") == ["Tulsa"]
    assert names(q="mia") == ["Miami"]


def test_list_csv_export_follows_the_filters_and_omits_internal_notes(client, reviewer):
    SiteFactory(jurisdiction=JurisdictionFactory(name="Saginaw", state="MI"), cohort_year=2018,
                internal_notes="secret")  # fmt: skip
    SiteFactory(jurisdiction=JurisdictionFactory(name="Lansing", state="MI"), cohort_year=2017)
    client.force_login(reviewer)
    response = client.get(reverse("sites:list"), {"cohort_year": 2018, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "jurisdiction", "state"]
    assert [row[1] for row in rows[1:]] == ["Saginaw"]
    assert "secret" not in response.content.decode()


def test_list_paginates(client, reviewer):
    SiteFactory.create_batch(30)
    client.force_login(reviewer)
    response = client.get(reverse("sites:list"))
    assert len(response.context["page"].object_list) == 25
    assert client.get(reverse("sites:list"), {"page": 2}).context["page"].number == 2


@pytest.mark.parametrize("count", [10, 200])
def test_list_query_count_does_not_grow(client, reviewer, django_assert_max_num_queries, count):
    liaisons = [make_staff(roles.SITE_LIAISON) for _ in range(3)]
    for index in range(count):
        site = SiteFactory(liaison=liaisons[index % 3])
        SiteFocusArea.objects.create(site=site, focus_area="technology")
    client.force_login(reviewer)
    client.get(reverse("sites:list"))  # warm up session and permission caches
    # 10 queries measured at both 10 and 200 sites; a little headroom for middleware.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sites:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 200])
def test_program_view_query_count_does_not_grow(
    client, reviewer, django_assert_max_num_queries, count
):
    for site in SiteFactory.create_batch(count):
        EngagementFactory(site=site, delivered=True)
    client.force_login(reviewer)
    client.get(reverse("sites:program"))
    # A page of 50 sites plus aggregate queries for the totals and the state grid.
    with django_assert_max_num_queries(9) as captured:
        response = client.get(reverse("sites:program"))
    # The paginator takes its total from the state grid's counts, not a COUNT of its own.
    assert not [q for q in captured.captured_queries
                if q["sql"].startswith('SELECT COUNT(*) FROM (SELECT "sites_site"')]  # fmt: skip
    assert len(response.context["sites"]) == min(count, 50)
    assert response.context["totals"]["sites"] == count
    year = response.context["year"]
    assert response.context["totals"]["engagements"] == (
        Engagement.objects.filter(status="delivered", start_date__year=year).count()
    )
    assert sum(row[2] for row in response.context["grid"]) == count
    if count > 50:
        second = client.get(reverse("sites:program"), {"page": 2})
        assert len(second.context["sites"]) == 50
        assert {s.pk for s in second.context["sites"]}.isdisjoint(
            {s.pk for s in response.context["sites"]}
        )


# --- detail -------------------------------------------------------------------------


def test_applicant_sees_own_profile_and_delivered_engagements_only(
    client, applicant, applicant_site
):
    EngagementFactory(site=applicant_site, delivered=True, title="Delivered training",
                      internal_notes="Trainer was late.")  # fmt: skip
    EngagementFactory(site=applicant_site, planned=True, title="Planned visit")
    client.force_login(applicant)
    response = client.get(reverse("sites:detail", args=[applicant_site.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Public profile text." in content
    assert "Delivered training" in content
    assert "Planned visit" not in content
    assert "Chief is leaving" not in content  # INTERNAL
    assert "Trainer was late" not in content
    assert "Liaison history" not in content
    assert "<svg" in content


def test_other_applicant_gets_404(client, other_applicant, applicant_site):
    client.force_login(other_applicant)
    assert client.get(reverse("sites:detail", args=[applicant_site.pk])).status_code == 404


def test_reviewer_reads_site_with_internal_notes_but_no_edit_links(
    client, reviewer, applicant_site
):
    client.force_login(reviewer)
    content = client.get(reverse("sites:detail", args=[applicant_site.pk])).content.decode()
    assert "Chief is leaving" in content
    assert reverse("sites:edit", args=[applicant_site.pk]) not in content
    assert reverse("engagements:create", args=[applicant_site.pk]) not in content


def test_liaison_without_view_any_site_reads_only_assigned_sites(client, liaison):
    group = Group.objects.get(name=roles.SITE_LIAISON)
    group.permissions.remove(Permission.objects.get(codename="view_any_site"))
    mine, other = SiteFactory(liaison=liaison), SiteFactory()
    client.force_login(liaison)
    response = client.get(reverse("sites:detail", args=[mine.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{escape(mine.jurisdiction.name)}, {mine.jurisdiction.state} " in content
    # Their own site: they may log engagements and edit its plan.
    assert reverse("engagements:create", args=[mine.pk]) in content
    assert reverse("sites:goals", args=[mine.pk]) in content
    assert client.get(reverse("sites:detail", args=[other.pk])).status_code == 404


# --- admin pages --------------------------------------------------------------------


def test_admin_creates_a_site_through_the_form(client, program_admin, liaison):
    jurisdiction = JurisdictionFactory(name="Davenport", state="IA")
    client.force_login(program_admin)
    page = client.get(reverse("sites:create"))
    assert page.status_code == 200
    assert "<h1>Add a site</h1>" in page.content.decode()
    assert 'name="jurisdiction"' in page.content.decode()
    response = client.post(
        reverse("sites:create"),
        {
            "jurisdiction": jurisdiction.pk, "cohort_year": 2019, "usao_district": "IAS",
            "engagement_level": "", "start_date": "2019-10-01", "expected_end_date": "",
            "liaison": liaison.pk, "focus_areas": ["crime_analysis"], "summary": "",
            "internal_notes": "",
        },
    )  # fmt: skip
    site = Site.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sites:detail", args=[site.pk])
    assert site.expected_end_date == datetime.date(2022, 10, 1)
    assert site.liaison == liaison


def test_site_form_keeps_input_and_explains_errors(client, program_admin):
    client.force_login(program_admin)
    response = client.post(
        reverse("sites:create"),
        {
            "jurisdiction": JurisdictionFactory().pk, "cohort_year": 2021, "usao_district": "OHN",
            "engagement_level": "diagnostic", "start_date": "2021-10-01",
            "expected_end_date": "2021-01-01", "summary": "Keep me",
        },
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert "before the start date" in form.errors["expected_end_date"][0]
    assert "2017 and 2018" in form.errors["engagement_level"][0]
    assert "Keep me" in response.content.decode()
    assert not Site.objects.exists()


@pytest.mark.parametrize("name", ["sites:create"])
@pytest.mark.parametrize("role", ["reviewer", "liaison", "selecting_official", "applicant"])
def test_only_program_admins_create_sites(client, request, name, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["sites:edit", "sites:phase", "sites:liaison"])
def test_admin_pages_refuse_liaisons_and_reviewers(client, liaison, reviewer, name):
    site = SiteFactory(liaison=liaison)
    for user in (liaison, reviewer):
        client.force_login(user)
        assert client.get(reverse(name, args=[site.pk])).status_code == 403


@pytest.mark.parametrize(
    ("name", "heading", "field"),
    [
        ("sites:edit", "Edit", "summary"),
        ("sites:phase", "Change phase:", "phase"),
        ("sites:liaison", "Assign the Strategic Site Liaison:", "liaison"),
    ],
)
def test_admin_pages_open_for_program_admin(client, program_admin, name, heading, field):
    site = SiteFactory()
    client.force_login(program_admin)
    response = client.get(reverse(name, args=[site.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"<h1>{heading} {escape(str(site))}</h1>" in content
    assert f'name="{field}"' in content


def test_admin_changes_phase_through_the_page(client, program_admin):
    site = SiteFactory()
    client.force_login(program_admin)
    response = client.post(
        reverse("sites:phase", args=[site.pk]),
        {"phase": "strategic_planning", "started_on": "2025-01-15", "note": "Plan kickoff"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.phase, site.phase_started_on) == ("strategic_planning", datetime.date(2025, 1, 15))


def test_admin_assigns_liaison_through_the_page(client, program_admin, liaison):
    site = SiteFactory()
    client.force_login(program_admin)
    client.post(
        reverse("sites:liaison", args=[site.pk]),
        {"liaison": liaison.pk, "started_on": "2025-01-15"},
    )
    site.refresh_from_db()
    assert site.liaison == liaison


def test_assigned_liaison_edits_goals(client, liaison):
    site = SiteFactory(liaison=liaison)
    client.force_login(liaison)
    url = reverse("sites:goals", args=[site.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f"<h1>Strategic-plan goals: {escape(str(site))}</h1>" in page.content.decode()
    assert 'name="goals-TOTAL_FORMS"' in page.content.decode()
    response = client.post(
        url,
        {
            "goals-TOTAL_FORMS": "1", "goals-INITIAL_FORMS": "0", "goals-MIN_NUM_FORMS": "0",
            "goals-MAX_NUM_FORMS": "1000", "goals-0-title": "Cut non-fatal shootings 10%",
            "goals-0-target_date": "2026-12-31", "goals-0-status": "in_progress",
        },
    )  # fmt: skip
    assert response.status_code == 302
    goal = site.goals.get()
    assert goal.title == "Cut non-fatal shootings 10%"
    assert goal.history.latest().history_user == liaison


def test_admin_edits_team_roster(client, program_admin):
    site = SiteFactory()
    client.force_login(program_admin)
    response = client.post(
        reverse("sites:team", args=[site.pk]),
        {
            "team-TOTAL_FORMS": "1", "team-INITIAL_FORMS": "0", "team-MIN_NUM_FORMS": "0",
            "team-MAX_NUM_FORMS": "1000", "team-0-role": "usao", "team-0-name": "Pat Prosecutor",
            "team-0-title": "AUSA", "team-0-organisation": "USAO NDOH",
            "team-0-email": "pat@usdoj.example.gov", "team-0-phone": "555-0100",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert site.team.get().name == "Pat Prosecutor"


@pytest.mark.parametrize("name", ["sites:team", "sites:goals"])
def test_plan_pages_refuse_other_liaisons_and_reviewers(client, reviewer, name):
    site = SiteFactory(liaison=make_staff(roles.SITE_LIAISON))
    for user in (make_staff(roles.SITE_LIAISON), reviewer):
        client.force_login(user)
        assert client.get(reverse(name, args=[site.pk])).status_code == 403


# --- program view -------------------------------------------------------------------


def test_program_view_shows_figures_and_state_grid(client, selecting_official):
    this_year = datetime.date.today().year
    site = SiteFactory(jurisdiction=JurisdictionFactory(name="Anchorage", state="AK"))
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(this_year, 1, 5),
                      hours=7)  # fmt: skip
    EngagementFactory(site=site, delivered=True, start_date=datetime.date(this_year - 1, 5, 5))
    client.force_login(selecting_official)
    response = client.get(reverse("sites:program"))
    assert response.status_code == 200
    row = response.context["sites"][0]
    assert (row.engagements_this_year, row.hours_this_year) == (1, 7)
    assert row.last_engagement_on == datetime.date(this_year, 1, 5)
    alaska = [entry for entry in response.context["grid"] if entry[0] == "AK"][0]
    assert alaska == ("AK", "Alaska", 1, 1)
    assert "AK" not in response.context["empty_states"]
    assert response.context["totals"] == {"sites": 1, "active": 1, "engagements": 1, "hours": 7}
    assert f"{reverse('sites:list')}?state=AK".encode() in response.content


def test_program_view_refused_to_applicants(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("sites:program")).status_code == 403


def test_csv_export_neutralises_formulas(client, reviewer):
    SiteFactory(jurisdiction=JurisdictionFactory(name="=HYPERLINK(1)"))
    client.force_login(reviewer)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("sites:list"), {"format": "csv"}).content.decode())
        )
    )
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_narratives_show_to_staff_never_to_applicants(client, applicant, reviewer, applicant_site):
    from engagements.models import NarrativeUpdate

    NarrativeUpdate.objects.create(
        site=applicant_site, year=2025, half=1, narrative="Candid staff assessment."
    )
    client.force_login(reviewer)
    assert (
        b"Candid staff assessment."
        in client.get(reverse("sites:detail", args=[applicant_site.pk])).content
    )
    client.force_login(applicant)
    assert (
        b"Candid staff assessment."
        not in client.get(reverse("sites:detail", args=[applicant_site.pk])).content
    )


@pytest.mark.parametrize("count", [10, 200])
def test_site_page_query_count_does_not_grow(
    client, reviewer, django_assert_max_num_queries, count
):
    from sites.services import goal_save, team_member_save

    site = SiteFactory(liaison=make_staff(roles.SITE_LIAISON))
    EngagementFactory.create_batch(count, site=site, delivered=True)
    for index in range(count // 10):
        team_member_save(site=site, role="analyst", name=f"Analyst {index}", actor=reviewer)
        goal_save(site=site, title=f"Goal {index}", actor=reviewer)
    client.force_login(reviewer)
    client.get(reverse("sites:detail", args=[site.pk]))
    # The view itself runs 10 queries (site, latest engagements, one aggregate for the
    # charts and the total, phases, focus areas, team, goals, liaisons, narratives);
    # the rest is the session/auth/MFA middleware.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("sites:detail", args=[site.pk]))
    assert len(response.context["engagements"]) == min(count, 25)
    assert response.context["engagement_total"] == count
    assert response.context["engagements_more"] == max(count - 25, 0)
    if count > 25:
        assert f"?site={site.pk}".encode() in response.content
