"""The outcome arithmetic, pure (no database), so it can be checked by hand.

For each year of a site:
- rate: violent offenses / population x 100,000, one decimal, rounded half-up (as
  the FBI publishes it and as the SOI computes it, applications.crime);
- baseline rate: the mean of the baseline years' rates that are present, one decimal;
- change: (rate - baseline rate) / baseline rate x 100, in percent, one decimal;
- national change: the same computation on the national rates, over the same
  baseline years as the site's (those it has figures for; all of them must have a
  national rate, or there is no national baseline: other years would not be "the
  same years");
- relative to the nation: change - national change, in percentage points.
Every computation is done on the rounded figures shown, so a reader can redo it
from the table. A missing year (no row, figures not entered, or not verified) is
None everywhere, never 0; a year whose population moved by more than 10% from the
year before is flagged for the liaison.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import NamedTuple

ONE_DP = Decimal("0.1")
HUNDRED = Decimal(100)
POPULATION_MOVE_LIMIT = Decimal("0.10")
_MOVE_NUMERATOR, _MOVE_DENOMINATOR = POPULATION_MOVE_LIMIT.as_integer_ratio()


def _q(value: Decimal) -> Decimal:
    return value.quantize(ONE_DP, ROUND_HALF_UP)


def rate_per_100k(offenses: int, population: int) -> Decimal:
    """Offenses per 100,000 people, one decimal."""
    if population <= 0:
        raise ValueError("The population must be greater than zero.")
    return _q(Decimal(offenses) * 100000 / Decimal(population))


def mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return _q(sum(values, Decimal(0)) / len(values))


def percent_change(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    if value is None or not base:
        return None
    return _q((value - base) / base * HUNDRED)


def median(values: list[Decimal]) -> Decimal | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return _q((ordered[middle - 1] + ordered[middle]) / 2)


def population_moved(population: int | None, previous: int | None) -> bool:
    """True when the population moved by more than 10% from the previous year's."""
    if not population or not previous:
        return False
    # |change| / previous > limit, in integers (exact; called for every site-year).
    return abs(population - previous) * _MOVE_DENOMINATOR > previous * _MOVE_NUMERATOR


# YearInput and YearResult are named tuples rather than frozen dataclasses: as immutable,
# and several times cheaper to build (the Outcomes page builds one of each per site-year,
# 7,000 at bench scale 10, and a frozen dataclass sets each field through
# object.__setattr__).


class YearInput(NamedTuple):
    """One year as stored. `counted`: verified, so it enters the arithmetic."""

    year: int
    offenses: int | None = None
    population: int | None = None
    counted: bool = True
    status: str = ""


class YearResult(NamedTuple):
    year: int
    period: str  # "baseline", "psp", "after", "other"
    status: str
    rate: Decimal | None  # counted years only
    change: Decimal | None
    national_rate: Decimal | None
    national_change: Decimal | None
    relative: Decimal | None
    population: int | None
    population_flag: bool
    entered_rate: Decimal | None  # any year with figures (for the liaison's check)

    @property
    def missing(self) -> bool:
        return self.rate is None


@dataclass(frozen=True)
class SiteSeries:
    """Frozen, its sequences tuples: the Outcomes page keeps a site's series in memory
    and hands the same one to every request (outcomes.selectors._memoized_series)."""

    baseline_years: tuple[int, ...]
    baseline_rate: Decimal | None
    national_baseline_rate: Decimal | None
    years: tuple[YearResult, ...] = ()

    # Cached on the instance (frozen fields cannot change under them): the Outcomes page
    # sorts and summarizes every site by its latest year on every request.
    @cached_property
    def after_baseline(self) -> tuple[YearResult, ...]:
        return tuple(
            row for row in self.years if row.period != "baseline" and row.period != "other"
        )

    @cached_property
    def latest(self) -> YearResult | None:
        """The latest year after the baseline with a change, or None."""
        with_change = [row for row in self.after_baseline if row.change is not None]
        return with_change[-1] if with_change else None

    @property
    def missing_years(self) -> list[int]:
        return [row.year for row in self.years if row.rate is None]

    @property
    def flagged_years(self) -> list[int]:
        return [row.year for row in self.years if row.population_flag]


def compute_series(
    *,
    years: list[int],
    baseline_years: list[int],
    psp_years: list[int],
    figures: dict[int, YearInput],
    national: dict[int, Decimal],
) -> SiteSeries:
    """The site's rates and changes for `years` (the years to show, in order)."""
    rates: dict[int, Decimal] = {}
    entered: dict[int, Decimal] = {}
    for year, row in figures.items():
        if row.offenses is not None and row.population:
            entered[year] = rate_per_100k(row.offenses, row.population)
            if row.counted:
                rates[year] = entered[year]
    # The baseline years the site has figures for; the nation is compared over the
    # same years, so a missing baseline year is left out of both means.
    used = [y for y in baseline_years if y in rates]
    baseline_rate = mean([rates[y] for y in used])
    national_baseline = (
        mean([Decimal(national[y]) for y in used])
        if used and all(y in national for y in used)
        else None
    )
    results = []
    psp = set(psp_years)
    last_psp = max(psp_years) if psp_years else None
    for year in years:
        row = figures.get(year)
        previous = figures.get(year - 1)
        rate = rates.get(year)
        national_rate = Decimal(national[year]) if year in national else None
        if year in baseline_years:
            period = "baseline"
        elif year in psp:
            period = "psp"
        elif last_psp is not None and year > last_psp:
            period = "after"
        else:
            period = "other"
        change = percent_change(rate, baseline_rate)
        national_change = percent_change(national_rate, national_baseline)
        relative = (
            change - national_change if change is not None and national_change is not None else None
        )
        results.append(
            YearResult(
                year=year,
                period=period,
                status=row.status if row else "",
                rate=rate,
                change=change,
                national_rate=national_rate,
                national_change=national_change,
                relative=relative,
                population=row.population if row else None,
                population_flag=population_moved(
                    row.population if row else None, previous.population if previous else None
                ),
                entered_rate=entered.get(year),
            )
        )
    return SiteSeries(
        baseline_years=tuple(baseline_years),
        baseline_rate=baseline_rate,
        national_baseline_rate=national_baseline,
        years=tuple(results),
    )


@dataclass
class SummaryFigure:
    value: Decimal | None
    sites: list[tuple[str, Decimal, int]]  # (site name, value, year), sorted by value


@dataclass
class CohortSummary:
    site_count: int
    with_data: list[str]
    median_change: SummaryFigure
    median_relative: SummaryFigure


def summarize(named_series: list[tuple[str, SiteSeries]]) -> CohortSummary:
    """Sites with data, the median latest change and the median change relative to the nation.

    A site has data when it has a baseline rate and a change for at least one year
    after the baseline (within the years shown); its latest such year counts.
    """
    changes, relatives, with_data = [], [], []
    for name, series in named_series:
        latest = series.latest
        if latest is None:
            continue
        with_data.append(name)
        changes.append((name, latest.change, latest.year))
        # The relative figure of the latest year with one (national rates lag behind).
        with_relative = [row for row in series.after_baseline if row.relative is not None]
        if with_relative:
            relatives.append((name, with_relative[-1].relative, with_relative[-1].year))
    changes.sort(key=lambda item: (item[1], item[0]))
    relatives.sort(key=lambda item: (item[1], item[0]))
    return CohortSummary(
        site_count=len(named_series),
        with_data=with_data,
        median_change=SummaryFigure(median([c for _, c, _ in changes]), changes),
        median_relative=SummaryFigure(median([r for _, r, _ in relatives]), relatives),
    )
