"""Site outcome figures: what /api/v1/outcomes/ computes, shows and filters.

The figures must be the site outcome page's own (outcomes.views.site_outcome_context),
and a caller must not get a field the pages do not show them.
"""

import csv
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from outcomes.models import OutcomeYear
from outcomes.services import outcome_return
from outcomes.views import site_outcome_context
from tests.api.conftest import make_token
from tests.conftest import make_staff
from tests.factories import ApplicantFactory, NationalCrimeRateFactory
from tests.outcomes.helpers import national_rates, site_with_figures

pytestmark = pytest.mark.django_db

LIST = reverse("api:outcome-list")
FIGURES = [
    "rate_per_100k", "entered_rate_per_100k", "baseline_rate", "change_vs_baseline_pct",
    "national_rate", "national_change_pct", "relative_to_national_pp",
]  # fmt: skip


@pytest.fixture
def sites(liaison):
    """Site A (2019 cohort, figures 2016-2019 verified, 2020 submitted with its population
    moved over 10%); site B (2019 cohort, 2016-2019 verified)."""
    national_rates()
    site_a = site_with_figures(liaison=liaison)
    OutcomeYear.objects.create(
        site=site_a, year=2020, status=OutcomeYear.Status.SUBMITTED, murder=10, rape=40,
        robbery=200, aggravated_assault=600, population=260_000, source="local", note="Estimate",
    )  # fmt: skip
    site_b = site_with_figures()
    return site_a, site_b


def _number(value):
    return None if value is None else Decimal(str(value))


def test_figures_are_the_site_outcome_pages(api_get, program_admin, sites):
    site_a, _ = sites
    _, raw = make_token(program_admin)
    rows = api_get(f"{LIST}?site={site_a.pk}", raw).json()["results"]
    page = site_outcome_context(program_admin, site_a)
    # Every year with a row, in year order; the page also lists years without one.
    lines = [line for line in page["lines"] if line["row"] is not None]
    assert [row["year"] for row in rows] == [line["result"].year for line in lines]
    for row, line in zip(rows, lines, strict=True):
        result = line["result"]
        assert row["id"] == line["row"].pk and row["status"] == line["row"].status
        assert row["period"] == result.period
        assert _number(row["rate_per_100k"]) == result.rate
        assert _number(row["entered_rate_per_100k"]) == result.entered_rate
        assert _number(row["change_vs_baseline_pct"]) == result.change
        assert _number(row["national_rate"]) == result.national_rate
        assert _number(row["national_change_pct"]) == result.national_change
        assert _number(row["relative_to_national_pp"]) == result.relative
        assert _number(row["baseline_rate"]) == page["series"].baseline_rate
        assert row["population_moved_over_10pct"] == result.population_flag
    by_year = {row["year"]: row for row in rows}
    # The helper's figures, worked by hand: baseline mean 958.3; 2019 850.0 is -11.3%.
    assert by_year[2019]["rate_per_100k"] == 850.0 and by_year[2019]["baseline_rate"] == 958.3
    assert by_year[2019]["change_vs_baseline_pct"] == -11.3
    # Submitted, not verified: no rate counted, the entered one shown as on the page.
    assert by_year[2020]["rate_per_100k"] is None and by_year[2020]["entered_rate_per_100k"]
    assert by_year[2020]["population_moved_over_10pct"] is True


def test_cursor_pages_give_every_row_once_in_site_and_year_order(api_get, program_admin, sites):
    _, raw = make_token(program_admin)
    url, seen = f"{LIST}?page_size=2", []
    while url:
        body = api_get(url, raw).json()
        seen += [(row["site_id"], row["year"]) for row in body["results"]]
        url = body["next"]
    assert seen == sorted(OutcomeYear.objects.values_list("site_id", "year"))


def test_a_year_filter_does_not_change_the_figures(api_get, program_admin, sites):
    site_a, _ = sites
    _, raw = make_token(program_admin)
    everything = {r["year"]: r for r in api_get(f"{LIST}?site={site_a.pk}", raw).json()["results"]}
    only = api_get(f"{LIST}?site={site_a.pk}&year=2019", raw).json()["results"]
    # The baseline comes from the site's other years whatever the filter leaves out.
    assert only == [everything[2019]]
    ranged = api_get(f"{LIST}?site={site_a.pk}&year_from=2017&year_to=2018", raw).json()
    assert [r["year"] for r in ranged["results"]] == [2017, 2018]


def test_filters_match_the_outcomes_page(api_get, program_admin, sites):
    site_a, site_b = sites
    site_b.cohort_year = 2021
    site_b.save()
    _, raw = make_token(program_admin)

    def ids(query):
        return {
            (r["site_id"], r["year"]) for r in api_get(f"{LIST}?{query}", raw).json()["results"]
        }

    assert {s for s, _y in ids("cohort_year=2021")} == {site_b.pk}
    assert {s for s, _y in ids(f"state={site_a.jurisdiction.state}")} >= {site_a.pk}
    assert ids("status=submitted") == {(site_a.pk, 2020)}
    assert api_get(f"{LIST}?year=abc", raw).status_code == 400


def test_updated_since_returns_every_year_of_a_site_with_a_change(
    api_get, program_admin, liaison, sites
):
    site_a, site_b = sites
    _, raw = make_token(program_admin)
    since = quote(timezone.now().isoformat())
    assert api_get(f"{LIST}?updated_since={since}", raw).json()["results"] == []
    # Returning a verified baseline year changes every year's change figure of site A.
    outcome_return(
        outcome=OutcomeYear.objects.get(site=site_a, year=2016), reason="Revised", actor=liaison
    )
    changed = api_get(f"{LIST}?updated_since={since}", raw).json()["results"]
    assert {r["site_id"] for r in changed} == {site_a.pk}
    assert len(changed) == OutcomeYear.objects.filter(site=site_a).count()
    # A national rate revised later changes every site's national figures.
    NationalCrimeRateFactory(year=2019, rate="380.8", source_edition="CIUS 2020 (revised)")
    changed = api_get(f"{LIST}?updated_since={since}", raw).json()["results"]
    assert {r["site_id"] for r in changed} == {site_a.pk, site_b.pk}


def test_counts_source_and_note_only_for_program_outcomes_readers(client, api_get, sites):
    site_a, _ = sites
    url = f"{LIST}?site={site_a.pk}&year=2020"
    _, raw = make_token(make_staff(roles.SELECTING_OFFICIAL))
    official = api_get(url, raw).json()["results"][0]
    assert (official["murder"], official["source"], official["note"]) == (10, "local", "Estimate")
    # The site's own users see the page's total, not the counts in the program CSV, and
    # never the INTERNAL population flag.
    client.force_login(ApplicantFactory(jurisdiction=site_a.jurisdiction))
    own = client.get(url).json()["results"][0]
    assert own["offenses"] == 850 and own["population"] == 260_000
    assert own["murder"] is None and own["source"] is None and own["note"] is None
    assert own["population_moved_over_10pct"] is None


def test_return_reason_only_on_a_returned_year(api_get, program_admin, liaison, sites):
    site_a, _ = sites
    row = OutcomeYear.objects.get(site=site_a, year=2020)
    _, raw = make_token(program_admin)
    detail = reverse("api:outcome-detail", args=[row.pk])
    assert api_get(detail, raw).json()["return_reason"] is None
    outcome_return(outcome=row, reason="Population looks wrong", actor=liaison)
    body = api_get(detail, raw).json()
    assert body["status"] == "returned" and body["return_reason"] == "Population looks wrong"


def test_csv_has_one_line_per_site_year_with_the_json_field_names(api_get, program_admin, sites):
    site_a, _ = sites
    _, raw = make_token(program_admin)
    response = api_get(f"{LIST}?site={site_a.pk}&format=csv", raw)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="psp-outcomes-' in response["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    json_rows = api_get(f"{LIST}?site={site_a.pk}", raw).json()["results"]
    assert list(lines[0]) == list(json_rows[0])
    assert [line["year"] for line in lines] == ["2016", "2017", "2018", "2019", "2020"]
    # Numbers stay numbers (a negative change is not quoted as a formula would be); a
    # year not verified has an empty rate, never 0.
    assert lines[3]["change_vs_baseline_pct"] == "-11.3" and lines[4]["rate_per_100k"] == ""


def test_a_site_without_verified_baseline_has_null_changes(api_get, program_admin, liaison):
    national_rates()
    site = site_with_figures(liaison=liaison)
    OutcomeYear.objects.filter(site=site, year__lt=2019).update(status=OutcomeYear.Status.DUE)
    _, raw = make_token(program_admin)
    rows = api_get(f"{LIST}?site={site.pk}", raw).json()["results"]
    assert [r["year"] for r in rows] == [2016, 2017, 2018, 2019]
    assert all(r["baseline_rate"] is None and r["change_vs_baseline_pct"] is None for r in rows)
