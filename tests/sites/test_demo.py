import pytest

from demo.users import load_demo_users
from engagements.demo import load_demo_engagements, load_demo_narratives
from engagements.models import Engagement, NarrativeUpdate
from engagements.services import half_year_figures
from engagements.stats import workspace_for
from sites.demo import load_demo_sites
from sites.models import Site

pytestmark = pytest.mark.django_db


def test_demo_sites_load_once_and_fill_the_liaison_workspace():
    load_demo_users()
    lines = load_demo_sites()
    assert lines == ["Demo sites: 29 created (29 in all)."]
    assert load_demo_engagements() == ["Demo engagements: 4 logged (4 in all)."]
    assert Site.objects.filter(cohort_year=2017).count() == 12
    assert Site.objects.filter(phase=Site.Phase.GRADUATED).count() == 27
    toledo = Site.objects.get(jurisdiction__name="City of Toledo", cohort_year=2017)
    assert toledo.engagement_level == "operations"
    assert [p.phase for p in toledo.phases.all()][-1] == "graduated"

    space = workspace_for(Site.objects.exclude(liaison=None).first().liaison)
    assert len(space["my_sites"]) == 2
    assert len(space["upcoming"]) == 2
    assert len(space["overdue"]) == 2
    assert [s.jurisdiction.name for s in space["quiet"]] == ["Lakeside County (demo)"]

    # A second run creates nothing.
    assert load_demo_sites() == ["Demo sites: 0 created (29 in all)."]
    assert load_demo_engagements() == ["Demo engagements: 0 logged (4 in all)."]
    assert Engagement.objects.count() == 4


def test_demo_narrative_is_written_once_with_the_half_years_figures():
    load_demo_users()
    load_demo_sites()
    load_demo_engagements()
    assert load_demo_narratives() == ["Demo narratives: 1 written (1 in all)."]
    narrative = NarrativeUpdate.objects.get()
    assert narrative.site.jurisdiction.name.endswith("(demo)")
    assert narrative.author == narrative.site.liaison
    # Pre-filled from the engagement log (the assessment 20 days ago may fall in the
    # previous half-year early in January or July).
    log = half_year_figures(site=narrative.site, year=narrative.year, half=narrative.half)
    assert narrative.engagements_delivered == log["engagements_delivered"]
    assert narrative.narrative.count("\n\n") == 2  # three paragraphs
    assert load_demo_narratives() == ["Demo narratives: 0 written (1 in all)."]
