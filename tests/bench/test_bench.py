"""The benchmark tooling itself: reproducible data and a page measurement that runs.

No timing is asserted here: speed is measured by `make bench`, never by tests.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.models import Jurisdiction, User
from applications.models import Application, Contact, CrimeFigures
from bench import datagen
from bench.pages import FLOOR_PATH, Page, key_pages, measure_page
from engagements.models import Engagement
from reviews.models import ReviewAssignment
from sites.models import Site

pytestmark = pytest.mark.django_db


def _fingerprint() -> dict:
    return {
        "statuses": list(Application.objects.order_by("pk").values_list("status", flat=True)),
        "references": sorted(
            Application.objects.exclude(reference_number=None).values_list(
                "reference_number", flat=True
            )
        ),
        "kinds": list(Jurisdiction.objects.order_by("name").values_list("kind", "state")),
        "engagements": list(
            Engagement.objects.order_by("tracking_number").values_list(
                "tracking_number", "type", "status", "start_date", "focus_areas"
            )
        ),
        "assignments": ReviewAssignment.objects.count(),
    }


def test_generator_creates_the_expected_counts(tiny):
    summary = datagen.generate(scale=1, seed=7)
    assert Jurisdiction.objects.filter(name__startswith="Benchville").count() == 50
    assert User.objects.filter(email__startswith="applicant").count() == 50
    assert Application.objects.count() == 150  # 3 cycles x 50 jurisdictions
    assert Contact.objects.count() == 150 * len(Contact.Role.values)
    assert CrimeFigures.objects.count() == 150 * 3
    assert Site.objects.count() == 5
    assert Engagement.objects.count() == 400
    assert Engagement.objects.filter(site=Site.objects.order_by("pk").first()).count() == 100
    submitted = Application.objects.filter(status=Application.Status.SUBMITTED).count()
    assert ReviewAssignment.objects.count() == 3 * submitted
    assert summary.counts["engagements.Engagement"] == 400


class _Rollback(Exception):
    pass


def _generate_and_fingerprint(seed: int) -> dict:
    """Generate, read the fingerprint, then roll the data back (so a second run may follow)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            datagen.generate(scale=1, seed=seed)
            fingerprint = _fingerprint()
            raise _Rollback
    except _Rollback:
        return fingerprint


def test_same_seed_gives_the_same_data(tiny):
    first = _generate_and_fingerprint(7)
    second = _generate_and_fingerprint(7)
    assert first["statuses"] and first["engagements"]
    assert first == second
    assert _generate_and_fingerprint(8)["engagements"] != first["engagements"]


def test_a_second_run_on_the_same_database_is_refused(tiny):
    datagen.generate(scale=1, seed=7)
    with pytest.raises(ImproperlyConfigured):
        datagen.generate(scale=1, seed=7)


def test_generator_refuses_production(settings):
    settings.DJANGO_ENV = "production"
    with pytest.raises(ImproperlyConfigured):
        datagen.generate(scale=1, seed=1)


def test_page_measurement_runs_on_one_page(tiny, settings):
    datagen.generate(scale=1, seed=3)
    settings.ROOT_URLCONF = "bench.urls"
    pages = {p.key: p for p in key_pages()}
    assert pages["floor"].url == FLOOR_PATH
    result = measure_page(pages["site_list"], runs=3, warmup=1)
    assert result.status == 200
    assert result.queries > 0
    assert result.runs == 3
    assert 0 < result.min_ms <= result.median_ms <= result.p95_ms
    floor = measure_page(Page("floor", FLOOR_PATH, pages["floor"].user, "official"), runs=2)
    assert floor.status == 200
