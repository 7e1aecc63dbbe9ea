"""The demo's outcome figures show every case the pages and the report must handle."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from outcomes.models import OutcomeYear
from outcomes.selectors import program_outcomes
from sites.models import Site

pytestmark = pytest.mark.django_db


def test_demo_outcomes_cover_every_case_and_load_once():
    call_command("load_demo", stdout=StringIO())
    count = OutcomeYear.objects.count()
    data = program_outcomes(Site.objects.all())
    relatives = [
        row.relative for item in data.sites for row in item.series.years if row.relative is not None
    ]
    assert any(r < 0 for r in relatives) and any(r > 0 for r in relatives)
    assert len(data.summary.with_data) >= 20
    baltimore = next(i for i in data.sites if i.site.jurisdiction.name == "City of Baltimore")
    assert 2021 in baltimore.series.missing_years  # the NIBRS transition year
    kansas_city = [i for i in data.sites if i.site.jurisdiction.name == "City of Kansas City"]
    assert any(2020 in i.series.flagged_years for i in kansas_city)
    demo = OutcomeYear.objects.filter(site__jurisdiction__name__endswith="(demo)")
    last = timezone.localdate().year - 1
    assert set(demo.filter(year=last - 1).values_list("status", flat=True)) == {
        "submitted",
        "returned",
    }
    assert set(demo.filter(year=last).values_list("status", flat=True)) == {"due"}
    # Baselines of sites selected from an SOI come from the SOI.
    soi_rows = OutcomeYear.objects.filter(origin="soi")
    assert soi_rows.exists() and all(r.status == "verified" and r.is_baseline for r in soi_rows)
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert OutcomeYear.objects.count() == count
    assert "Demo outcomes: 0 site-years entered" in output.getvalue()
