import csv
import datetime
import io

import pytest
from django.urls import reverse

from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _titles(response):
    return [e.title for e in response.context["page"].object_list]


def test_staff_filter_engagements(client, reviewer):
    site = SiteFactory(jurisdiction=JurisdictionFactory(name="Buffalo", state="NY"))
    EngagementFactory(site=site, delivered=True, title="A", focus_areas=["gun_violence"],
                      start_date=datetime.date(2025, 1, 5))  # fmt: skip
    EngagementFactory(site=site, planned=True, title="B", focus_areas=["technology"],
                      start_date=datetime.date(2025, 6, 5))  # fmt: skip
    EngagementFactory(title="C", cancelled=True, start_date=datetime.date(2024, 6, 5))
    client.force_login(reviewer)
    url = reverse("engagements:list")
    assert _titles(client.get(url)) == ["B", "A", "C"]
    assert _titles(client.get(url, {"status": "planned"})) == ["B"]
    assert _titles(client.get(url, {"focus_area": "gun_violence"})) == ["A"]
    assert _titles(client.get(url, {"q": "buffalo"})) == ["B", "A"]
    assert _titles(client.get(url, {"start_from": "2025-01-01", "start_to": "2025-03-01"})) == ["A"]


def test_applicant_lists_only_own_delivered_engagements(client, applicant):
    site = SiteFactory(jurisdiction=applicant.jurisdiction)
    EngagementFactory(site=site, delivered=True, title="Mine delivered")
    EngagementFactory(site=site, planned=True, title="Mine planned")
    EngagementFactory(delivered=True, title="Someone else's")
    client.force_login(applicant)
    assert _titles(client.get(reverse("engagements:list"))) == ["Mine delivered"]


def test_csv_export_has_no_internal_fields(client, reviewer):
    EngagementFactory(delivered=True, title="Exported", internal_notes="secret note")
    client.force_login(reviewer)
    response = client.get(reverse("engagements:list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "tracking_number"
    assert rows[1][4] == "Exported"
    assert "secret note" not in response.content.decode()


@pytest.mark.parametrize("count", [10, 200])
def test_list_query_count_does_not_grow(client, reviewer, django_assert_max_num_queries, count):
    for site in SiteFactory.create_batch(count // 10):
        EngagementFactory.create_batch(10, site=site, delivered=True)
    client.force_login(reviewer)
    client.get(reverse("engagements:list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("engagements:list"))
    assert response.status_code == 200


def test_list_requires_sign_in(client):
    assert client.get(reverse("engagements:list")).status_code == 302


def test_link_filters_site_mine_and_overdue(client, liaison):
    """The site page and workspace link here with ?site=, ?mine= and ?overdue=."""
    from engagements.models import FollowUpAction

    mine = SiteFactory(liaison=liaison)
    EngagementFactory(site=mine, planned=True, title="Mine late",
                      start_date=datetime.date(2025, 2, 1))  # fmt: skip
    EngagementFactory(site=mine, delivered=True, title="Mine fine",
                      start_date=datetime.date(2025, 1, 1))  # fmt: skip
    other = EngagementFactory(delivered=True, title="Other", start_date=datetime.date(2024, 1, 1))
    late = mine.engagements.get(title="Mine late")
    FollowUpAction.objects.create(engagement=late, description="x", owner="y",
                                  due_date=datetime.date(2020, 1, 1))  # fmt: skip
    FollowUpAction.objects.create(engagement=other, description="x", owner="y",
                                  due_date=datetime.date(2020, 1, 1), done=True)  # fmt: skip
    client.force_login(liaison)
    url = reverse("engagements:list")
    assert _titles(client.get(url, {"site": mine.pk})) == ["Mine late", "Mine fine"]
    assert _titles(client.get(url, {"mine": "true"})) == ["Mine late", "Mine fine"]
    assert _titles(client.get(url, {"overdue": "true"})) == ["Mine late"]
    # The link-only filters are hidden fields, kept when the visible filters are applied.
    page = client.get(url, {"site": mine.pk}).content.decode()
    assert f'type="hidden" name="site" value="{mine.pk}"' in page
