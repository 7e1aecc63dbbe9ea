"""Query budgets of the SOI page (issue 8: at most 15 a page, not growing with data)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.services import application_section_save
from tests.factories import ApplicationFactory
from tests.reviews.factories import DecisionFactory, assign

pytestmark = pytest.mark.django_db

# 16 since issue 12: the sections' prefetch adds one fixed query (the SOI's signing
# requests, which the certification page shows); the count still does not grow.
BUDGET = 16


def _count(client, url) -> int:
    client.get(url)  # warm the session and permission caches like any later request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_applicant_soi_page_within_budget_with_a_released_decision(
    client, applicant, submitted, selecting_official, reviewer, django_assert_max_num_queries
):
    assign(submitted, reviewer)
    DecisionFactory(
        application=submitted,
        outcome="selected",
        decided_by=selecting_official,
        released_at=timezone.now(),
    )
    client.force_login(applicant)
    url = reverse("applications:detail", args=[submitted.pk])
    client.get(url)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert b"Selected" in response.content


def test_staff_soi_page_queries_do_not_grow_with_history(
    client, applicant, cycle, selecting_official
):
    application = ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )
    url = reverse("applications:detail", args=[application.pk])
    client.force_login(selecting_official)
    application.status = "submitted"  # staff read filed SOIs only
    application.save()
    few = _count(client, url)
    for population in (280000, 281000, 282000):
        application.status = "draft"
        application.save()
        application_section_save(
            application=application,
            section="profile",
            data={"population": population},
            loaded_version=None,
            actor=applicant,
        )
    application.status = "submitted"
    application.save()
    response = client.get(url)
    assert response.context["history"] and "population" in response.content.decode()
    many = _count(client, url)
    assert few == many <= BUDGET
