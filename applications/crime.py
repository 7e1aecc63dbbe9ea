"""Violent-crime arithmetic (FBI definition), kept pure so it can be tested with known figures.

Violent crime = murder and nonnegligent manslaughter + rape + robbery + aggravated assault.
Rate = offenses / population x 100,000, rounded half-up to one decimal as the FBI publishes it.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

OFFENSE_FIELDS = ("murder", "rape", "robbery", "aggravated_assault")
ONE_DP = Decimal("0.1")
TWO_DP = Decimal("0.01")


class FiguresError(ValueError):
    """Figures that cannot be right; `errors` maps field name -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class YearRate:
    year: int
    offenses: int
    population: int
    rate: Decimal
    ratio: Decimal | None


def check_figures(counts: dict[str, int | None], population: int | None) -> dict[str, str]:
    """Return field -> message for every problem; an empty dict means the figures are usable."""
    errors: dict[str, str] = {}
    for name in OFFENSE_FIELDS:
        value = counts.get(name)
        if value is None:
            errors[name] = "Enter a count (0 if there were none)."
        elif value < 0:
            errors[name] = "A count cannot be negative."
    if population is None:
        errors["population"] = "Enter the population for this year."
    elif population <= 0:
        errors["population"] = "The population must be greater than zero."
    if not errors:
        total = sum(counts[name] for name in OFFENSE_FIELDS)
        if total > population:
            errors["population"] = (
                f"{total:,} offenses is more than the population of {population:,}; "
                "check the counts and the population."
            )
    return errors


def violent_crime_rate(offenses: int, population: int) -> Decimal:
    """Offenses per 100,000 people, one decimal."""
    if population <= 0:
        raise FiguresError({"population": "The population must be greater than zero."})
    if offenses < 0:
        raise FiguresError({"offenses": "A count cannot be negative."})
    return (Decimal(offenses) * 100000 / Decimal(population)).quantize(ONE_DP, ROUND_HALF_UP)


def ratio_to_national(rate: Decimal, national_rate: Decimal | None) -> Decimal | None:
    """How many times the national rate (two decimals); None when no national rate is set."""
    if not national_rate:
        return None
    return (Decimal(rate) / Decimal(national_rate)).quantize(TWO_DP, ROUND_HALF_UP)


def year_rate(year: int, counts: dict[str, int], population: int, national_rate) -> YearRate:
    errors = check_figures(counts, population)
    if errors:
        raise FiguresError(errors)
    offenses = sum(counts[name] for name in OFFENSE_FIELDS)
    rate = violent_crime_rate(offenses, population)
    return YearRate(year, offenses, population, rate, ratio_to_national(rate, national_rate))
