"""Read queries with names: the national rate table, a site's years, series for many sites.

A fixed number of queries whatever the number of sites: one for the national
rates, one for every outcome row of the sites asked for.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F

from applications.models import NationalCrimeRate
from sites.models import Site

from .arithmetic import CohortSummary, SiteSeries, YearInput, compute_series, summarize
from .models import OFFENSE_FIELDS, OutcomeYear
from .program_token import OUTCOME_INPUTS

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


def rows_by_site(sites: list[Site] | list["SiteFacts"]) -> dict[int, list[OutcomeYear]]:
    grouped: dict[int, list[OutcomeYear]] = defaultdict(list)
    if not sites:
        return grouped
    for row in OutcomeYear.objects.filter(site__in=[s.pk for s in sites]).order_by(
        "site_id", "year"
    ):
        grouped[row.site_id].append(row)
    return grouped


def figure_table(sites_qs) -> tuple[tuple, ...]:
    """The outcome rows of the sites of a queryset (read as a subquery), as the database
    returns them: (site_id, year, is_baseline, status, offenses, population), in site and
    year order. One query, no model instance and no object per row: the Outcomes page
    reads every row of the program (6,000 at bench scale 10) on every request."""
    return _figure_tuples(OutcomeYear.objects.filter(site__in=sites_qs.order_by().values("pk")))


def site_figures(site: Site) -> list[FigureRow]:
    """One site's outcome rows as FigureRows, in year order (one query)."""
    return group_figures(_figure_tuples(OutcomeYear.objects.filter(site=site))).get(site.pk, [])


def _figure_tuples(outcome_years) -> tuple[tuple, ...]:
    # NULL when a count is missing, as OutcomeYear.offenses is None.
    total = (
        F(OFFENSE_FIELDS[0]) + F(OFFENSE_FIELDS[1]) + F(OFFENSE_FIELDS[2]) + F(OFFENSE_FIELDS[3])
    )
    rows = (
        outcome_years.annotate(total=total)
        .order_by("site_id", "year")
        .values_list("site_id", "year", "is_baseline", "status", "total", "population")
    )
    # Read from the cursor: the drivers already return these types (psycopg a bool, SQLite
    # through the "bool" converter Django registers; the sum an int or NULL), and the ORM's
    # second pass over each row (the sum's int(), SQLite's bool) took as long as the fetch.
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # no site can match (an empty filter): the ORM would return []
        return ()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchall())


def group_figures(table: tuple[tuple, ...]) -> dict[int, list[FigureRow]]:
    """figure_table's rows as FigureRows, by site."""
    grouped: dict[int, list[FigureRow]] = defaultdict(list)
    for site_id, year, is_baseline, status, total, population in table:
        grouped[site_id].append(
            FigureRow(year, is_baseline, status, total if population else None, population)
        )
    return grouped


def figures_by_site(sites_qs) -> dict[int, list[FigureRow]]:
    """`rows_by_site` for the sites of a queryset, as FigureRows: one query, and no model
    instance per row."""
    return group_figures(figure_table(sites_qs))


class JurisdictionName(NamedTuple):
    name: str
    state: str


class SiteFacts(NamedTuple):
    """The columns of a Site that the Outcomes page, its CSV export and its PDF report read,
    under the same names (`site.pk`, `site.jurisdiction.name`, `site_series` reads the rest).

    Those read every site of the program (1,000 at bench scale 10): full Site and
    Jurisdiction instances, every column converted, took a quarter of the page's time.
    """

    pk: int
    jurisdiction: JurisdictionName
    cohort_year: int
    phase: str
    start_date: datetime.date
    expected_end_date: datetime.date
    phase_started_on: datetime.date

    @property
    def series_inputs(self) -> "SeriesSite":
        return SeriesSite(*self[2:])


class SeriesSite(NamedTuple):
    """What `site_series` reads of a site (psp_years, tracked_years): a cache key part."""

    cohort_year: int
    phase: str
    start_date: datetime.date
    expected_end_date: datetime.date
    phase_started_on: datetime.date


def site_table(sites_qs) -> tuple[tuple, ...]:
    """The columns SiteFacts holds of each site of `sites_qs`, in its order (one query)."""
    return tuple(
        sites_qs.values_list("pk", "jurisdiction__name", "jurisdiction__state", *SeriesSite._fields)
    )


def site_facts(table: tuple[tuple, ...]) -> list[SiteFacts]:
    """The rows of a `site_table`, in its order, as SiteFacts."""
    return [SiteFacts(pk, JurisdictionName(name, state), *rest) for pk, name, state, *rest in table]


# Each site's series, kept in the process's memory under its inputs themselves: the
# site's dates and phase, its figure rows, the national rates and the years shown.
# The Outcomes page computes the series of every site (1,000 at bench scale 10) for its
# summary and its sort, while a site's figures change a few times a year. An edit makes
# a new key, so an entry is never stale (an old one is just not read again, and the
# least recently used go first); nothing needs invalidating, no query or round trip is
# spent, and a new deploy starts a new process, so a change to the arithmetic is never
# served from an old entry. The function receives nothing but its key, so the series
# cannot depend on anything the key leaves out. An entry with its key is about 11 KB
# (an 11-year series): 3,000 take some 35 MB in each web and Celery process, the whole
# program three times over at bench scale 10 (1,000 sites; each year filter tried is
# another 1,000 entries, and the least recently used go first).
SERIES_CACHE_SIZE = 3_000


@functools.lru_cache(maxsize=SERIES_CACHE_SIZE)
def _memoized_series(
    site: SeriesSite,
    rows: tuple[FigureRow, ...],
    national: tuple[tuple[int, Decimal], ...],
    year_from: int | None,
    year_to: int | None,
) -> SiteSeries:
    return site_series(site, rows, dict(national), year_from=year_from, year_to=year_to)


def figure_rows(rows: list[OutcomeYear] | list[FigureRow]) -> tuple[FigureRow, ...]:
    """The rows as FigureRows: the cache key part (an OutcomeYear compares by its pk alone)."""
    if not rows or isinstance(rows[0], FigureRow):
        return tuple(rows)
    return tuple(
        FigureRow(row.year, row.is_baseline, row.status, row.offenses, row.population)
        for row in rows
    )


def memoized_site_series(
    site: Site, rows: list[OutcomeYear] | list[FigureRow], national
) -> SiteSeries:
    """`site_series` of a Site over all its years, through _memoized_series: the site page
    draws it on every visit, while the figures change a few times a year."""
    inputs = SeriesSite(*(getattr(site, name) for name in SeriesSite._fields))
    return _memoized_series(inputs, figure_rows(rows), tuple(national.items()), None, None)


@dataclass
class SiteOutcome:
    site: SiteFacts
    name: str
    series: SiteSeries
    psp_years: list[int]
    rows: list[OutcomeYear] | list[FigureRow]

    @property
    def sort_key(self):
        latest = self.series.latest
        # Largest fall first; sites without a change after the baseline last.
        return (latest is None, latest.change if latest else 0, self.name)


@dataclass(frozen=True)
class ProgramOutcomes:
    # Tuples: the Outcomes page may hand one object to many requests (_memoized_program).
    sites: tuple[SiteOutcome, ...]
    summary: CohortSummary
    national: dict[int, Decimal]
    years: tuple[int, ...]


def program_outcomes(
    sites_qs,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    full_rows: bool = False,
) -> ProgramOutcomes:
    """Every site of `sites_qs` with its series, sorted by change, and the cohort summary.

    Three queries whatever the number of sites: sites, their outcome rows, national rates.
    Each SiteOutcome's site is SiteFacts; its rows are FigureRows, or OutcomeYears with
    `full_rows` (the CSV export's counts, source and note). Without `full_rows` the result
    may be the one an earlier call with the same inputs built: read it, never change it.
    It is then kept under the Outcomes page's change token (one query) until a write to
    what it reads commits, and under `sites_qs`'s SQL, which holds the filters and the
    user's scope; after a change, the inputs are read again and the program comes from
    _memoized_program when they are the same.
    """
    if full_rows:
        sites = site_facts(site_table(sites_qs))
        national = national_rates()
        return _program(sites, rows_by_site(sites), national, year_from, year_to)
    return OUTCOME_INPUTS.kept(
        ("program", _scope_key(sites_qs), year_from, year_to),
        lambda: _memoized_program(
            site_table(sites_qs),
            figure_table(sites_qs),
            tuple(national_rates().items()),
            year_from,
            year_to,
        ),
    )


def _scope_key(sites_qs) -> tuple:
    """Which sites a queryset selects, as its SQL and parameters (the filters, the scope);
    the parameters as text, so that a list or a dict among them can be a key too."""
    try:
        sql, params = sites_qs.query.sql_with_params()
    except EmptyResultSet:  # selects nothing whatever the data (Site.objects.none())
        return ()
    return sql, repr(params)


# The whole program's result, kept in the process's memory under its inputs themselves,
# as the database returned them: every site's row (in the page's order), every outcome
# row, the national rates and the years shown. The Outcomes page asks for the same
# program on every request while its figures change a few times a year; building it
# (1,000 sites and 6,000 figure rows at bench scale 10: a FigureRow per row, a series
# lookup, the sort and the summary) took two thirds of the page's time, where hashing
# and comparing the inputs takes a tenth of that. As with _memoized_series, any change
# to any input is a new key, so nothing is ever served stale and nothing needs telling;
# the series of the sites that did not change still come from _memoized_series. A few
# entries: one per filter in use (an entry holds its key, some 0.5 MB at scale 10, and
# lists of objects _memoized_series keeps anyway).
PROGRAM_CACHE_SIZE = 8


@functools.lru_cache(maxsize=PROGRAM_CACHE_SIZE)
def _memoized_program(
    site_rows: tuple[tuple, ...],
    figure_rows_: tuple[tuple, ...],
    national: tuple[tuple[int, Decimal], ...],
    year_from: int | None,
    year_to: int | None,
) -> ProgramOutcomes:
    sites = site_facts(site_rows)
    return _program(sites, group_figures(figure_rows_), dict(national), year_from, year_to)


def _program(sites, grouped, national, year_from, year_to) -> ProgramOutcomes:
    national_key = tuple(national.items())
    results = []
    for site in sites:
        rows = grouped.get(site.pk, [])
        series = _memoized_series(
            site.series_inputs, figure_rows(rows), national_key, year_from, year_to
        )
        results.append(
            SiteOutcome(
                site=site,
                name=f"{site.jurisdiction.name}, {site.jurisdiction.state} ({site.cohort_year})",
                series=series,
                psp_years=psp_years(site),
                rows=rows,
            )
        )
    results.sort(key=lambda item: item.sort_key)
    summary = summarize([(item.name, item.series) for item in results])
    years = sorted({row.year for item in results for row in item.series.years})
    return ProgramOutcomes(
        sites=tuple(results), summary=summary, national=national, years=tuple(years)
    )
