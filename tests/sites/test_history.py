"""History views for sites and engagements (issue 13 item 11): who changed what and when,
for staff who may read the record; applicants and people outside the scope cannot."""

import pytest
from django.urls import reverse

from engagements.models import FollowUpAction
from engagements.services import follow_up_set_done
from sites.services import goal_save, site_change_phase, team_member_save
from tests.factories import ApplicantFactory, EngagementFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_site_history_shows_who_changed_site_phase_team_and_goals(
    client, program_admin, django_assert_max_num_queries
):
    site = SiteFactory()
    site_change_phase(site=site, phase="strategic_planning", actor=program_admin)
    team_member_save(site=site, actor=program_admin, role="analyst", name="Dana Cruz")
    goal_save(site=site, actor=program_admin, title="Cut nonfatal shootings by 10%")
    client.force_login(program_admin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sites:history", args=[site.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Phase", "Team: Dana Cruz", "Goal: Cut nonfatal shootings by 10%", "phase"):
        assert text in html
    assert str(program_admin) in html
    detail = client.get(reverse("sites:detail", args=[site.pk])).content.decode()
    assert reverse("sites:history", args=[site.pk]) in detail


def test_engagement_history_shows_follow_ups(client, program_admin):
    engagement = EngagementFactory(delivered=True)
    action = FollowUpAction.objects.create(
        engagement=engagement, description="Send the toolkit", owner="CNA", due_date="2025-04-01"
    )
    follow_up_set_done(action=action, done=True, actor=program_admin)
    client.force_login(program_admin)
    html = client.get(reverse("engagements:history", args=[engagement.pk])).content.decode()
    assert "Follow-up" in html and str(program_admin) in html


def test_applicant_cannot_read_site_or_engagement_history(client):
    site = SiteFactory()
    engagement = EngagementFactory(site=site, delivered=True)
    applicant = ApplicantFactory(jurisdiction=site.jurisdiction)
    client.force_login(applicant)
    assert client.get(reverse("sites:history", args=[site.pk])).status_code == 403
    assert client.get(reverse("engagements:history", args=[engagement.pk])).status_code == 403
    other = ApplicantFactory()
    client.force_login(other)
    assert client.get(reverse("sites:history", args=[site.pk])).status_code == 404
