"""The outcome report ("outcome_report"), rendered by the reports pipeline (internal).

For one cohort or every site: the cohort summary (sites with data, median change
against the baseline and relative to the nation, with the sites behind each), one
small chart per site sorted by change, the per-site table of every year, and a
methods paragraph on what the figures can and cannot show. Three queries however
many sites (outcomes.selectors.program_outcomes).
"""

from django import forms
from django.utils import timezone

from reports.kinds import ReportKind, register
from sites.models import Site

from .access import can_request_outcome_report
from .charts import rate_chart
from .selectors import program_outcomes


def _cohort(report) -> int | None:
    try:
        value = (report.params or {}).get("cohort_year")
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError, AttributeError):
        return None


def outcome_report_context(report) -> dict:
    cohort = _cohort(report)
    sites = Site.objects.all()
    if cohort:
        sites = sites.filter(cohort_year=cohort)
    data = program_outcomes(sites.order_by("jurisdiction__name", "cohort_year", "pk"))
    years = data.years
    items = [
        {
            "item": item,
            "rates": [by_year.get(y) for y in years]
            if (by_year := {row.year: row.rate for row in item.series.years})
            else [None] * len(years),
            "chart": rate_chart(
                item.name,
                item.series,
                chart_id=f"site-{item.site.pk}",
                psp_years=item.psp_years,
                width=300,
                height=130,
                small=True,
                fixed=True,
            ),  # fmt: skip
        }
        for item in data.sites
    ]
    national_row = [data.national.get(y) for y in years]
    return {
        "cohort": cohort,
        "summary": data.summary,
        "items": items,
        "years": years,
        "national_row": national_row,
        "year_blocks": _year_blocks(years, national_row, items),
        "national_missing": [
            y for y in data.years if y not in data.national and y < timezone.localdate().year
        ],
    }


# A portrait page holds the site column and about nine rate columns before "1,242.7"
# wraps mid-number; a longer span is printed as consecutive tables of at most this many.
YEARS_PER_TABLE = 9


def _year_blocks(years, national_row, items) -> list[dict]:
    """The "Rates by year" table cut into blocks of YEARS_PER_TABLE years, same rows each."""
    blocks = []
    for start in range(0, len(years), YEARS_PER_TABLE):
        cut = slice(start, start + YEARS_PER_TABLE)
        blocks.append(
            {
                "years": years[cut],
                "national_row": national_row[cut],
                "rows": [(entry["item"].name, entry["rates"][cut]) for entry in items],
            }
        )
    return blocks


def outcome_report_can_view(user, report) -> bool:
    return can_request_outcome_report(user)


def outcome_report_filename(report) -> str:
    cohort = _cohort(report)
    return f"outcomes-{cohort or 'all-sites'}-{report.pk}.pdf"


class OutcomeReportForm(forms.Form):
    cohort_year = forms.TypedChoiceField(
        label="Cohort",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Leave empty for every site.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        years = Site.objects.order_by("-cohort_year").values_list("cohort_year", flat=True)
        self.fields["cohort_year"].choices = [("", "All sites")] + [
            (year, f"{year} cohort") for year in dict.fromkeys(years)
        ]

    def to_params(self) -> dict:
        return {"cohort_year": self.cleaned_data["cohort_year"]}


OUTCOME_REPORT = register(
    ReportKind(
        slug="outcome_report",
        title="Outcome report",
        template_name="outcomes/pdf_outcome_report.html",
        build_context=outcome_report_context,
        can_view=outcome_report_can_view,
        params_form=OutcomeReportForm,
        filename=outcome_report_filename,
        can_request=can_request_outcome_report,
    )
)
