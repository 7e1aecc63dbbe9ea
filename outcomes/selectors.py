"""Read queries with names: the national rate table, a site's years, series for many sites.

A fixed number of queries whatever the number of sites: one for the national
rates, one for every outcome row of the sites asked for.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F

from applications.models import NationalCrimeRate
from sites.models import Site

from .arithmetic import CohortSummary, SiteSeries, YearInput, compute_series, summarize
from .models import OFFENSE_FIELDS, OutcomeYear

YEARS_AFTER = 2  # followed for two years after graduation
BASELINE_DEFAULT = 3  # sites without an SOI: the three years before the cohort year


def national_rates() -> dict[int, Decimal]:
    """Year -> national rate, from the edition recorded last for each year.

    A revised figure (e.g. 2019: 366.7 first published, later 380.8) is entered as
    a new row with its own edition; the latest row is the current figure.
    """
    rates: dict[int, Decimal] = {}
    for year, rate in NationalCrimeRate.objects.order_by("year", "pk").values_list("year", "rate"):
        rates[year] = rate  # later rows (higher pk) overwrite earlier editions
    return rates


def psp_end_year(site: Site) -> int:
    """The last PSP year: graduation's year, else the expected end's."""
    if site.phase == Site.Phase.GRADUATED:
        return site.phase_started_on.year
    return site.expected_end_date.year


def psp_years(site: Site) -> list[int]:
    return list(range(site.start_date.year, psp_end_year(site) + 1))


def baseline_years_for(site: Site, rows: list[OutcomeYear]) -> list[int]:
    from_rows = sorted(row.year for row in rows if row.is_baseline)
    if from_rows:
        return from_rows
    return list(range(site.cohort_year - BASELINE_DEFAULT, site.cohort_year))


def tracked_years(site: Site, rows: list[OutcomeYear]) -> list[int]:
    """Every year from the first baseline year to two years after the PSP years."""
    first = min(baseline_years_for(site, rows))
    return list(range(first, psp_end_year(site) + YEARS_AFTER + 1))


class FigureRow(NamedTuple):
    """The fields of an OutcomeYear that the arithmetic reads (`site_series` takes either).

    The Outcomes page reads every row of every site (7,000 at bench scale 10); building
    a model instance for each cost more than the arithmetic itself.
    """

    year: int
    is_baseline: bool
    status: str
    offenses: int | None  # as OutcomeYear.offenses: None unless every figure is entered
    population: int | None


def year_input(row: OutcomeYear | FigureRow) -> YearInput:
    # year, offenses, population, counted, status (positional: built for every row).
    return YearInput(
        row.year,
        row.offenses,
        row.population,
        row.status == OutcomeYear.Status.VERIFIED,
        row.status,
    )


def site_series(
    site: Site,
    rows: list[OutcomeYear] | list[FigureRow],
    national: dict[int, Decimal],
    *,
    year_from: int | None = None,
    year_to: int | None = None,
) -> SiteSeries:
    years = tracked_years(site, rows)
    # Years entered outside the tracked range (a staff correction) are still shown.
    years = sorted(set(years) | {row.year for row in rows})
    if year_from:
        years = [y for y in years if y >= year_from]
    if year_to:
        years = [y for y in years if y <= year_to]
    return compute_series(
        years=years,
        baseline_years=baseline_years_for(site, rows),
        psp_years=psp_years(site),
        figures={row.year: year_input(row) for row in rows},
        national=national,
    )


def rows_by_site(sites: list[Site]) -> dict[int, list[OutcomeYear]]:
    grouped: dict[int, list[OutcomeYear]] = defaultdict(list)
    if not sites:
        return grouped
    for row in OutcomeYear.objects.filter(site__in=[s.pk for s in sites]).order_by(
        "site_id", "year"
    ):
        grouped[row.site_id].append(row)
    return grouped


def figures_by_site(sites_qs) -> dict[int, list[FigureRow]]:
    """`rows_by_site` for the sites of a queryset (read as a subquery), as FigureRows:
    one query, and no model instance per row."""
    grouped: dict[int, list[FigureRow]] = defaultdict(list)
    # NULL when a count is missing, as OutcomeYear.offenses is None.
    total = (
        F(OFFENSE_FIELDS[0]) + F(OFFENSE_FIELDS[1]) + F(OFFENSE_FIELDS[2]) + F(OFFENSE_FIELDS[3])
    )
    rows = (
        OutcomeYear.objects.filter(site__in=sites_qs.order_by().values("pk"))
        .annotate(total=total)
        .order_by("site_id", "year")
        .values_list("site_id", "year", "is_baseline", "status", "total", "population")
    )
    for site_id, year, is_baseline, status, total, population in rows:
        grouped[site_id].append(
            FigureRow(year, is_baseline, status, total if population else None, population)
        )
    return grouped


@dataclass
class SiteOutcome:
    site: Site
    series: SiteSeries
    psp_years: list[int]
    rows: list[OutcomeYear] | list[FigureRow]

    @property
    def name(self) -> str:
        return f"{self.site.jurisdiction.name}, {self.site.jurisdiction.state} ({self.site.cohort_year})"

    @property
    def sort_key(self):
        latest = self.series.latest
        # Largest fall first; sites without a change after the baseline last.
        return (latest is None, latest.change if latest else 0, self.name)


@dataclass
class ProgramOutcomes:
    sites: list[SiteOutcome]
    summary: CohortSummary
    national: dict[int, Decimal]
    years: list[int]


def program_outcomes(
    sites_qs,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    full_rows: bool = False,
) -> ProgramOutcomes:
    """Every site of `sites_qs` with its series, sorted by change, and the cohort summary.

    Three queries whatever the number of sites: sites, their outcome rows, national rates.
    Each SiteOutcome's rows are FigureRows, or OutcomeYears with `full_rows` (the CSV
    export's counts, source and note).
    """
    sites = list(sites_qs.select_related("jurisdiction"))
    grouped = rows_by_site(sites) if full_rows else figures_by_site(sites_qs)
    national = national_rates()
    results = []
    for site in sites:
        rows = grouped.get(site.pk, [])
        results.append(
            SiteOutcome(
                site=site,
                series=site_series(site, rows, national, year_from=year_from, year_to=year_to),
                psp_years=psp_years(site),
                rows=rows,
            )
        )
    results.sort(key=lambda item: item.sort_key)
    summary = summarize([(item.name, item.series) for item in results])
    years = sorted({row.year for item in results for row in item.series.years})
    return ProgramOutcomes(sites=results, summary=summary, national=national, years=years)
