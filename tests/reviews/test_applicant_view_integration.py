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


# --- issue 13 item 2: the Withdraw button only when withdrawal is possible ----------------


@pytest.mark.parametrize("released", [False, True])
def test_decided_soi_shows_no_withdraw_button(client, soi, released):
    applicant = soi.jurisdiction.members.first()
    DecisionFactory(
        application=soi,
        outcome=Decision.Outcome.SELECTED,
        released_at=timezone.now() if released else None,
    )
    client.force_login(applicant)
    detail = client.get(reverse("applications:detail", args=[soi.pk])).content.decode()
    assert ">Withdraw<" not in detail
    assert reverse("applications:withdraw", args=[soi.pk]) not in _mine_status(client, applicant)
    # The withdraw page itself refuses too, rather than showing a form bound to fail.
    assert client.get(reverse("applications:withdraw", args=[soi.pk])).status_code == 403


def test_reversed_decision_brings_the_withdraw_button_back(client, soi):
    applicant = soi.jurisdiction.members.first()
    DecisionFactory(application=soi, reversed_at=timezone.now())
    client.force_login(applicant)
    detail = client.get(reverse("applications:detail", args=[soi.pk])).content.decode()
    assert ">Withdraw<" in detail
    assert reverse("applications:withdraw", args=[soi.pk]) in _mine_status(client, applicant)


# --- issue 13 item 9: the declaration gate on every route to the SOI ----------------------


def test_undeclared_reviewer_is_sent_to_the_declaration_from_the_intake_page(client, reviewer, soi):
    assign(soi, reviewer, declared=False)
    client.force_login(reviewer)
    response = client.get(reverse("applications:detail", args=[soi.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:conflict", args=[soi.pk])


def test_undeclared_reviewer_cannot_open_letters_receipt_or_list_entry(client, reviewer, soi):
    from applications.report_kinds import SOI_PACKET
    from reports.models import Report

    letter = soi.letters.first()
    assert letter is not None
    assign(soi, reviewer, declared=False)
    client.force_login(reviewer)
    download = reverse("applications:letter_download", args=[soi.pk, letter.pk])
    assert client.get(download).status_code == 404
    assert soi not in client.get(reverse("applications:list")).context["applications"]
    receipt = Report(kind=SOI_PACKET.slug, params={"application_id": soi.pk})
    assert not SOI_PACKET.can_view(reviewer, receipt)
    # Once they declare no conflict, every route opens.
    from tests.reviews.factories import ConflictDeclarationFactory

    ConflictDeclarationFactory(application=soi, reviewer=reviewer, has_conflict=False)
    assert client.get(download).status_code == 200
    assert SOI_PACKET.can_view(reviewer, receipt)
    assert client.get(reverse("applications:detail", args=[soi.pk])).status_code == 200


def test_undeclared_reviewer_still_finds_the_soi_in_the_review_queue(client, reviewer, soi):
    assign(soi, reviewer, declared=False)
    client.force_login(reviewer)
    response = client.get(reverse("reviews:queue"))
    assert soi.reference_number in response.content.decode()
