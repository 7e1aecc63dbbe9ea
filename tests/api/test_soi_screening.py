"""The SOI endpoint's screening, status and scores are the review service's, for every
kind of SOI: the endpoint loads its rows its own cheaper way (api.endpoints.with_soi_data)
and builds screening and scores as plain data, so both are checked against the service
run on a freshly fetched SOI (reviews.screening.screen) and the review page's own row
(reviews.selectors.detail_row over with_review_detail).
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from api.serializers import ScoresSerializer, ScreeningSerializer
from applications.models import Application, Certification, CrimeFigures, IceAnswer, Letter
from reviews.models import ScreeningOverride
from reviews.screening import screen
from reviews.selectors import detail_row, with_review_detail
from tests.api.conftest import bearer, make_token
from tests.conftest import make_staff
from tests.factories import ApplicationFactory, CycleFactory
from tests.reviews.factories import DecisionFactory, ReviewFactory, assign

pytestmark = pytest.mark.django_db


def _varied_sois(official):
    """Submitted SOIs failing, passing or needing attention on each check, overridden,
    withdrawn, unassigned, in review, reviewed, decided, released and reversed."""
    cycle = CycleFactory(population_min=50_000, population_max=500_000)

    def soi(**kwargs):
        return ApplicationFactory(cycle=cycle, submitted=True, **kwargs)

    made = {}
    made["passes"] = soi()
    IceAnswer.objects.filter(application=made["passes"]).update(answer="yes", explanation="")
    made["ice_not_applicable"] = soi()  # the factory's answers: attention
    made["latest_year_below"] = soi()
    CrimeFigures.objects.filter(application=made["latest_year_below"], year=2025).update(
        rate=Decimal("111.1")
    )
    made["earlier_year_below"] = soi()
    CrimeFigures.objects.filter(application=made["earlier_year_below"], year=2023).update(
        rate=Decimal("300.0")
    )
    made["no_crime_figures"] = soi()
    CrimeFigures.objects.filter(application=made["no_crime_figures"]).delete()
    made["cannot_certify"] = soi()
    Certification.objects.filter(application=made["cannot_certify"]).update(
        certifies=False, cannot_certify_explanation="State law conflicts."
    )
    made["no_certification"] = soi()
    Certification.objects.filter(application=made["no_certification"]).update(
        certifies=False, cannot_certify_explanation=""
    )
    made["incomplete"] = soi()
    Letter.objects.filter(application=made["incomplete"]).delete()
    made["ice_unanswered"] = soi()
    IceAnswer.objects.filter(application=made["ice_unanswered"], question_number=3).update(
        answer=""
    )
    made["population_outside"] = soi()
    Application.objects.filter(pk=made["population_outside"].pk).update(population=600_000)
    made["overridden"] = soi()
    CrimeFigures.objects.filter(application=made["overridden"]).update(rate=Decimal("200.0"))
    for key, result in (("crime_rate", "fail"), ("crime_rate", "pass"), ("overall", "pass")):
        ScreeningOverride.objects.create(
            application=made["overridden"], check_key=key, result=result, reason="Revised.",
            overridden_by=official,
        )  # fmt: skip
    made["withdrawn"] = ApplicationFactory(cycle=cycle, withdrawn=True)

    reviewers = [make_staff(roles.REVIEWER) for _ in range(2)]
    assign(made["ice_not_applicable"], reviewers[0])  # in review, nothing submitted
    for name in ("passes", "latest_year_below", "overridden"):  # reviewed by both
        for reviewer, severity in zip(reviewers, (4, 5), strict=True):  # an average of x.5
            ReviewFactory(
                assignment=assign(made[name], reviewer), submitted=True, score_severity=severity
            )
    ReviewFactory(assignment=assign(made["earlier_year_below"], reviewers[1]), submitted=True)
    assign(made["earlier_year_below"], reviewers[0])  # one of two submitted
    DecisionFactory(application=made["passes"], decided_by=official)  # decided
    DecisionFactory(
        application=made["latest_year_below"], decided_by=official, released_at=timezone.now()
    )  # released
    DecisionFactory(
        application=made["overridden"], decided_by=official, reversed_at=timezone.now()
    )  # reversed: no decision in force
    return made


def test_soi_list_screening_status_and_scores_equal_the_services(client):
    official = make_staff(roles.SELECTING_OFFICIAL)
    made = _varied_sois(official)
    _, raw = make_token(official)
    response = client.get(reverse("api:soi-list") + "?page_size=100", **bearer(raw))
    by_id = {row["id"]: row for row in response.json()["results"]}
    assert set(by_id) >= {soi.pk for soi in made.values()}
    seen_screening, seen_status = set(), set()
    for name, soi in made.items():
        got = by_id[soi.pk]
        # The service on the SOI fetched afresh, without any of the endpoint's loading.
        fresh = Application.objects.get(pk=soi.pk)
        assert got["screening"] == ScreeningSerializer(screen(fresh)).data, name
        loaded = with_review_detail(Application.objects.filter(pk=soi.pk)).get()
        queue_row = [detail_row(loaded, official)]
        assert got["review_status"] == queue_row[0].status, name
        expected_scores = ScoresSerializer(
            {
                "reviews_submitted": queue_row[0].review_count,
                "average_total": queue_row[0].average_score,
                "max_total": queue_row[0].max_total,
            }
        ).data
        assert got["scores"] == expected_scores, name
        detail = client.get(reverse("api:soi-detail", args=[soi.pk]), **bearer(raw)).json()
        assert detail == got, name
        seen_screening.add(got["screening"]["result"])
        seen_status.add(got["review_status"])
    # The set really is varied: every result and every review state occurs.
    assert seen_screening == {"pass", "fail", "attention"}
    assert seen_status == {
        "unassigned", "in_review", "reviewed", "decided", "released", "withdrawn",
    }  # fmt: skip
