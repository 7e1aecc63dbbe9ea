import pytest

from demo.users import load_demo_users
from engagements.demo import load_demo_engagements
from engagements.models import Engagement
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
