"""Where review meets intake: reviewer scope on the intake pages, the applicant-facing
status, and the withdraw guard once a decision exists."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.services import TransitionNotAllowed, application_withdraw
from reviews.models import Decision
from tests.factories import ApplicationFactory
from tests.reviews.factories import DecisionFactory, assign

pytestmark = pytest.mark.django_db


def _staff_read(response, soi) -> str:
    """The intake page staff read: the SOI named, its filing state, no applicant buttons."""
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Statement of Interest {soi.reference_number}</h1>" in html
    assert str(soi.jurisdiction) in html
    assert '<span class="usa-tag">Submitted</span>' in html
    assert "Continue filling in" not in html and ">Withdraw<" not in html
    return html


def test_reviewer_reads_an_assigned_soi_on_the_intake_pages(client, reviewer, soi):
    assign(soi, reviewer)
    client.force_login(reviewer)
    _staff_read(client.get(reverse("applications:detail", args=[soi.pk])), soi)
    listed = client.get(reverse("applications:list"))
    assert list(listed.context["applications"]) == [soi]
    assert soi.reference_number in listed.content.decode()


def test_reviewer_gets_404_for_an_soi_not_assigned_to_them(client, reviewer, soi):
    client.force_login(reviewer)
    assert client.get(reverse("applications:detail", args=[soi.pk])).status_code == 404
    assert soi not in client.get(reverse("applications:list")).context["applications"]


def test_conflicted_reviewer_gets_404_on_the_intake_pages(client, reviewer, soi):
    assign(soi, reviewer, conflict=True)
    client.force_login(reviewer)
    assert client.get(reverse("applications:detail", args=[soi.pk])).status_code == 404


def test_selecting_official_reads_every_submitted_soi(client, selecting_official, soi):
    client.force_login(selecting_official)
    _staff_read(client.get(reverse("applications:detail", args=[soi.pk])), soi)


def _mine_status(client, applicant):
    client.force_login(applicant)
    return client.get(reverse("applications:mine")).content.decode()


def test_applicant_sees_under_review_but_no_unreleased_decision(client, reviewer, soi):
    applicant = soi.jurisdiction.members.first()
    assign(soi, reviewer)
    DecisionFactory(application=soi, outcome=Decision.Outcome.SELECTED)
    page = _mine_status(client, applicant)
    assert "Under review" in page
    assert "Selected" not in page  # not released yet


def test_applicant_sees_released_decision(client, soi):
    applicant = soi.jurisdiction.members.first()
    DecisionFactory(
        application=soi, outcome=Decision.Outcome.NOT_SELECTED, released_at=timezone.now()
    )
    assert "Not selected" in _mine_status(client, applicant)


def test_applicant_dashboard_query_count_does_not_grow(
    client, applicant, django_assert_max_num_queries, cycle
):
    from tests.factories import CycleFactory

    client.force_login(applicant)
    ApplicationFactory(cycle=cycle, jurisdiction=applicant.jurisdiction, submitted=True)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("applications:mine"))
    for _ in range(5):
        app = ApplicationFactory(
            cycle=CycleFactory(), jurisdiction=applicant.jurisdiction, submitted=True
        )
        DecisionFactory(application=app, released_at=timezone.now())
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("applications:mine"))


def test_withdraw_refused_once_a_decision_is_recorded(soi):
    applicant = soi.jurisdiction.members.first()
    DecisionFactory(application=soi)
    with pytest.raises(TransitionNotAllowed, match="final review"):
        application_withdraw(application=soi, actor=applicant, reason="Changed plans")
    soi.refresh_from_db()
    assert soi.status == Application.Status.SUBMITTED
