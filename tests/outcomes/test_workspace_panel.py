"""The liaison workspace's annual-figures lists: each row's site, year and what it waits
for, read in one query whatever the number of rows (outcomes_workspace loads only the
columns the lists show)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Jurisdiction
from outcomes.models import OutcomeYear
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

Status = OutcomeYear.Status


def _lists(client) -> tuple[str, int]:
    url = reverse("sites:workspace")
    client.get(url)  # the session and permissions, as any later request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    html = response.content.decode()
    return html[html.index('<h2 id="outcomes-workspace">') :], len(queries.captured_queries)


def test_the_lists_name_each_site_and_year_in_one_query(client, liaison, site):
    Jurisdiction.objects.filter(pk=site.jurisdiction_id).update(name="Fairview & <Co>")
    submitted = datetime.datetime(2026, 3, 4, 15, 0, tzinfo=datetime.UTC)
    OutcomeYear.objects.create(
        site=site, year=2023, status=Status.SUBMITTED, submitted_at=submitted
    )
    client.force_login(liaison)
    _, one = _lists(client)
    OutcomeYear.objects.create(site=site, year=2024, status=Status.DUE)
    other = SiteFactory(liaison=liaison)
    OutcomeYear.objects.create(
        site=other, year=2022, status=Status.RETURNED, return_reason="Robbery looks doubled."
    )

    html, three = _lists(client)

    assert three == one
    assert (
        f'href="{reverse("outcomes:site", args=[site.pk])}">Fairview &amp; &lt;Co&gt;, 2023</a> (submitted Mar 4, 2026)'
        in html
    )
    assert ">Fairview &amp; &lt;Co&gt;, 2024</a></li>" in html
    assert f">{other.jurisdiction.name}, 2022</a>: Robbery looks doubled.</li>" in html
