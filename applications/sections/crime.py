"""3. Violent-crime figures: the four offense counts and the population for each year
the cycle asks about, with the rate the portal computes."""

from ..crime import OFFENSE_FIELDS, ratio_to_national, violent_crime_rate
from ..forms import CrimeYearForm
from ..models import Application, CrimeFigures
from .base import Section, label_of, own_keys, save_row

FIELDS = tuple(CrimeYearForm.base_fields)  # the counts, population and data source


def _blank_fields(row: CrimeFigures) -> list[str]:
    return [
        str(CrimeFigures._meta.get_field(name).verbose_name)
        for name in FIELDS
        if getattr(row, name) in (None, "")
    ]


def missing(app: Application) -> list[str]:
    """A year without a row, or a year saved with values still blank (a partial draft)."""
    rows = {row.year: row for row in app.crime_figures.all()}
    gaps = []
    for year in app.cycle.crime_years:
        row = rows.get(year)
        if row is None:
            gaps.append(f"Figures for {year}")
        elif blank := _blank_fields(row):
            gaps.append(f"Figures for {year}: {', '.join(blank)}")
    return gaps


def forms(app: Application, data=None) -> list:
    rows = {row.year: row for row in app.crime_figures.all()}
    result = []
    for year in app.cycle.crime_years:
        row = rows.get(year)
        initial = {name: getattr(row, name) for name in FIELDS} if row is not None else {}
        result.append(CrimeYearForm(data, year=year, initial=initial))
    return result


def cleaned(forms: list) -> dict:
    # A year left wholly blank is not given (and so removed); a partly typed year is kept.
    return {form.year: dict(form.cleaned_data) for form in forms if not form.is_blank}


def save(locked: Application, data: dict, actor) -> list[str]:
    """`data` maps each year to its figures, complete or not; years not given are removed.

    A draft keeps whatever valid values were typed; the rate is computed only once the
    year's counts and population are all there."""
    for year, values in data.items():
        row = CrimeFigures.objects.filter(application=locked, year=year).first() or CrimeFigures(
            application=locked, year=year
        )
        for name in own_keys(values, FIELDS, "crime"):
            value = values[name]
            setattr(row, name, "" if name == "data_source" and value is None else value)
        counts = [getattr(row, k) for k in OFFENSE_FIELDS]
        # The server computes the rate; the browser preview is only a convenience.
        row.rate = (
            violent_crime_rate(sum(counts), row.population)
            if None not in counts and row.population
            else None
        )
        save_row(row, actor)
    CrimeFigures.objects.filter(application=locked).exclude(year__in=list(data)).delete()
    return []


def _by_year(app: Application) -> list:
    return sorted(app.crime_figures.all(), key=lambda r: r.year)


def _complete_by_year(app: Application) -> list:
    # Rates and ratios exist only for complete years; a partial draft year has none yet.
    return [row for row in _by_year(app) if row.rate is not None]


def snapshot(app: Application) -> dict:
    national = app.cycle.national_rate
    return {
        "national_rate": {
            "year": national.year,
            "rate": national.rate,
            "source_edition": national.source_edition,
        },
        "years": [
            {
                "year": row.year,
                "murder": row.murder,
                "rape": row.rape,
                "robbery": row.robbery,
                "aggravated_assault": row.aggravated_assault,
                "population": row.population,
                "data_source": row.data_source,
                "data_source_label": label_of(CrimeFigures.Source.choices, row.data_source),
                "rate": row.rate,
                "ratio_to_national": ratio_to_national(row.rate, national.rate),
            }
            for row in _by_year(app)
        ],
    }


def context(app: Application) -> dict:
    national = app.cycle.national_rate
    return {
        "national_rate": national,
        "crime_rates": [
            {
                "year": row.year,
                "total": row.total,
                "population": row.population,
                "rate": row.rate,
                "ratio": ratio_to_national(row.rate, national.rate),
            }
            for row in _complete_by_year(app)
        ],
    }


SECTION = Section(
    key="crime",
    title="Violent-crime figures",
    missing=missing,
    snapshot_key="crime",
    snapshot=snapshot,
    summary_template="applications/sections/crime_summary.html",
    select_related=("cycle__national_rate",),
    prefetch_related=("crime_figures",),
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/crime.html",
    context=context,
)
