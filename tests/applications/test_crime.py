"""Violent-crime arithmetic with known figures."""

from decimal import Decimal

import pytest

from applications.crime import (
    FiguresError,
    check_figures,
    ratio_to_national,
    violent_crime_rate,
    year_rate,
)

COUNTS = {"murder": 40, "rape": 160, "robbery": 500, "aggravated_assault": 1300}


def test_rate_per_100000_one_decimal():
    # 2,000 offenses among 270,000 people = 740.74... -> 740.7
    assert violent_crime_rate(2000, 270000) == Decimal("740.7")


def test_rate_rounds_half_up_like_the_fbi_tables():
    # 1 offense in 8,000 people = 12.5 exactly; 3 in 80,000 = 3.75 -> 3.8 (half up)
    assert violent_crime_rate(1, 8000) == Decimal("12.5")
    assert violent_crime_rate(3, 80000) == Decimal("3.8")


def test_national_2016_reproduced_from_fbi_totals():
    # FBI, Crime in the United States 2016: 1,248,185 violent crimes, 323,127,513 people.
    assert violent_crime_rate(1248185, 323127513) == Decimal("386.3")


def test_ratio_to_2016_national_rate_two_decimals():
    assert ratio_to_national(Decimal("740.7"), Decimal("386.3")) == Decimal("1.92")
    assert ratio_to_national(Decimal("386.3"), Decimal("386.3")) == Decimal("1.00")


def test_ratio_is_none_without_a_national_rate():
    assert ratio_to_national(Decimal("740.7"), None) is None


def test_year_rate_combines_counts():
    result = year_rate(2024, COUNTS, 270000, Decimal("386.3"))
    assert (result.offenses, result.rate, result.ratio) == (2000, Decimal("740.7"), Decimal("1.92"))


def test_negative_counts_refused_per_field():
    errors = check_figures({**COUNTS, "robbery": -1}, 270000)
    assert errors == {"robbery": "A count cannot be negative."}


def test_more_offenses_than_people_refused():
    errors = check_figures(COUNTS, 1999)
    assert "more than the population" in errors["population"]


def test_missing_count_and_population_refused():
    errors = check_figures({**COUNTS, "rape": None}, None)
    assert set(errors) == {"rape", "population"}


def test_year_rate_raises_with_the_field_errors():
    with pytest.raises(FiguresError) as exc:
        year_rate(2024, COUNTS, 0, Decimal("386.3"))
    assert "population" in exc.value.errors
