"""Screening on known figures: each check's result and the reasons staff read."""

from decimal import Decimal

import pytest

from applications.models import Application, Certification, CrimeFigures, IceAnswer, Letter
from reviews.models import ScreeningOverride
from reviews.screening import ATTENTION, FAIL, PASS, screen, screening_prefetch
from tests.factories import ApplicationFactory, CycleFactory

pytestmark = pytest.mark.django_db


def screened(application):
    return screen(screening_prefetch(Application.objects.filter(pk=application.pk)).get())


def checks(application):
    return {c.key: c for c in screened(application).checks}


def answer_all_yes(application):
    IceAnswer.objects.filter(application=application).update(answer="yes", explanation="")


def test_complete_soi_with_all_yes_passes_every_check(soi):
    answer_all_yes(soi)
    result = screened(soi)
    assert [c.result for c in result.checks] == [PASS] * 5
    assert result.result == PASS


def test_crime_rate_shows_each_year_with_its_ratio_to_the_national_rate(soi):
    # 2,000 offenses in 270,000 people = 740.7 per 100,000; 740.7 / 386.3 = 1.92.
    result = screened(soi)
    assert [r["year"] for r in result.rates] == [2023, 2024, 2025]
    assert all(r["rate"] == Decimal("740.7") for r in result.rates)
    assert all(r["ratio"] == Decimal("1.92") for r in result.rates)
    crime = {c.key: c for c in result.checks}["crime_rate"]
    assert crime.result == PASS
    assert crime.reasons[0] == ("2023: 740.7 per 100,000, 1.92 x the national rate of 386.3 (2016)")


def test_latest_year_below_the_national_rate_fails(soi):
    # 300 offenses in 270,000 = 111.1, below 386.3.
    CrimeFigures.objects.filter(application=soi, year=2025).update(
        murder=0, rape=0, robbery=0, aggravated_assault=300, rate=Decimal("111.1")
    )
    check = checks(soi)["crime_rate"]
    assert check.result == FAIL
    assert "The latest year is not above the national rate." in check.reasons
    assert any("2025: 111.1 per 100,000, 0.29 x" in reason for reason in check.reasons)


def test_an_earlier_year_below_the_national_rate_needs_attention(soi):
    CrimeFigures.objects.filter(application=soi, year=2023).update(rate=Decimal("300.0"))
    assert checks(soi)["crime_rate"].result == ATTENTION


def test_no_crime_figures_fails(soi):
    CrimeFigures.objects.filter(application=soi).delete()
    assert checks(soi)["crime_rate"].result == FAIL


def test_not_applicable_ice_answers_are_listed_and_need_attention(soi):
    check = checks(soi)["ice"]
    assert check.result == ATTENTION
    assert check.reasons[0] == "All three answered."
    assert check.reasons[1] == (
        "Question 1: Not applicable - The county, not the city, runs the jail."
    )
    assert len(check.reasons) == 4


def test_a_no_answer_is_listed(soi):
    answer_all_yes(soi)
    IceAnswer.objects.filter(application=soi, question_number=2).update(
        answer="no", explanation="No written policy."
    )
    check = checks(soi)["ice"]
    assert check.result == ATTENTION
    assert check.reasons[1:] == ["Question 2: No - No written policy."]


def test_unanswered_ice_question_fails(soi):
    IceAnswer.objects.filter(application=soi, question_number=3).update(answer="")
    check = checks(soi)["ice"]
    assert check.result == FAIL
    assert check.reasons == ["Not answered: question 3."]


def test_certification_made_passes_and_names_the_signer(soi):
    check = checks(soi)["certification"]
    assert check.result == PASS
    assert check.reasons == ["Certified by Pat Counsel, City Attorney."]


def test_certification_explained_needs_attention(soi):
    Certification.objects.filter(application=soi).update(
        certifies=False, cannot_certify_explanation="State law conflicts."
    )
    check = checks(soi)["certification"]
    assert check.result == ATTENTION
    assert check.reasons == ["Cannot certify: State law conflicts."]


def test_certification_neither_made_nor_explained_fails(soi):
    Certification.objects.filter(application=soi).update(
        certifies=False, cannot_certify_explanation=""
    )
    assert checks(soi)["certification"].result == FAIL


def test_incomplete_soi_fails_and_lists_what_is_missing(soi):
    Letter.objects.filter(application=soi).delete()
    check = checks(soi)["complete"]
    assert check.result == FAIL
    assert check.reasons[0].startswith("Letters of commitment: Letter from the chief executive")


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, PASS),  # the cycle sets no range
        (50_000, None, PASS),
        (50_000, 500_000, PASS),
        (300_000, None, FAIL),  # 270,000 is below
        (None, 250_000, FAIL),  # and above this one
    ],
)
def test_population_inside_the_cycles_range(low, high, expected):
    cycle = CycleFactory(population_min=low, population_max=high)
    application = ApplicationFactory(cycle=cycle, submitted=True)
    check = checks(application)["population"]
    assert check.result == expected
    if low or high:
        assert "270,000" in check.reasons[0]


def test_override_of_a_check_changes_the_result_and_keeps_the_computed_one(soi, selecting_official):
    CrimeFigures.objects.filter(application=soi).update(rate=Decimal("200.0"))
    ScreeningOverride.objects.create(
        application=soi,
        check_key="crime_rate",
        result="pass",
        reason="Revised FBI figures put 2025 above the national rate.",
        overridden_by=selecting_official,
    )
    result = screened(soi)
    crime = {c.key: c for c in result.checks}["crime_rate"]
    assert crime.result == PASS
    assert crime.computed_result == FAIL
    assert crime.overridden
    assert result.result != FAIL


def test_latest_override_is_the_one_in_force(soi, selecting_official):
    answer_all_yes(soi)
    for result in ("fail", "pass"):
        ScreeningOverride.objects.create(
            application=soi, check_key="overall", result=result, reason="x",
            overridden_by=selecting_official,
        )  # fmt: skip
    assert screened(soi).result == PASS
