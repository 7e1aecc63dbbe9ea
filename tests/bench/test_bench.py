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


def test_page_measurement_splits_sql_and_python_and_profiles_the_slowest(tiny, settings):
    from bench.pages import measure_pages

    datagen.generate(scale=1, seed=3)
    results = {r["key"]: r for r in measure_pages(runs=2, only=["site_list", "engagement_list"])}
    assert set(results) == {"floor", "site_list", "engagement_list"}
    for r in results.values():
        assert r["status"] == 200
        assert r["runs"] == 2  # one in each of the two rounds
        assert r["sql_ms"] > 0
        assert r["cpu_ms"] > 0
        assert r["median_ms"] >= r["sql_ms"]
    assert results["engagement_list"]["rows"] > 0
    assert results["engagement_list"]["ms_per_row"] is not None
    assert results["floor"]["rows"] == 0
    # The slowest pages (here both) carry a profile without the request plumbing.
    profile = results["engagement_list"]["profile"]
    assert profile and all("middleware" not in row["function"] for row in profile)
    assert any("engagements/views.py" in row["function"] for row in profile)


def test_body_rows_counts_table_body_rows_only():
    from bench.pages import body_rows

    html = b"<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr>\n<tr class='x'><td>2</td></tr></tbody></table>"
    assert body_rows(html) == 2
    assert body_rows(b"<p>no table</p>") == 0


def test_throughput_is_reported_against_healthz():
    from bench.load import throughput_ratios

    result = {
        "staff_mix": {"requests_per_s": 50.0},
        "applicant_mix": {"requests_per_s": 100.0},
        "healthz": {"requests_per_s": 400.0},
    }
    assert throughput_ratios(result) == {
        "staff_mix_to_healthz": 0.125,
        "applicant_mix_to_healthz": 0.25,
    }
    assert throughput_ratios({"staff_mix": {"requests_per_s": 5}}) == {}
    result["staff_mix"]["cpu_ms_per_request"] = 8.0
    result["healthz"]["cpu_ms_per_request"] = 1.0
    assert throughput_ratios(result)["staff_mix_to_healthz_by_cpu"] == 0.125


def test_rounds_of_a_mix_add_up_to_one_figure():
    from bench.load import merge_rounds

    def run(requests, p50, p99, cpu):
        return {
            "requests": requests, "duration_s": 2.0, "errors": 0, "p50_ms": p50,
            "p90_ms": p50 * 2, "p99_ms": p99, "worker_cpu_s": cpu, "paths": ["/x"],
            "connections": 20,
        }  # fmt: skip

    merged = merge_rounds([run(100, 10, 50, 0.5), run(60, 30, 90, 0.3), run(80, 20, 70, 0.4)])
    assert merged["requests"] == 240
    assert merged["requests_per_s"] == 40.0
    assert (merged["p50_ms"], merged["p99_ms"]) == (20, 90)
    # 1.2 s of CPU for 240 responses plus the 20 requests in flight at each round's end.
    assert merged["cpu_ms_per_request"] == 4.0
    assert merged["rounds"] == 3
    assert merge_rounds([run(1, 1, 1, 0.1), {"error": "wrk failed"}]) == {"error": "wrk failed"}


def test_the_load_stage_reads_its_workers_cpu_time():
    import os
    import subprocess
    import sys
    from types import SimpleNamespace

    from bench.load import Gunicorn

    # A stand-in worker (a child of this process, the stand-in master) that has used at
    # least 0.2 s of CPU when it says "ready", then waits for its input to close.
    worker = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "while time.process_time() < 0.2: pass\n"
            "print('ready', flush=True); sys.stdin.read()"
        )],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert worker.stdout.readline().strip() == "ready"
        server = Gunicorn.__new__(Gunicorn)
        server.proc = SimpleNamespace(pid=os.getpid())
        assert server.worker_cpu_seconds() >= 0.15  # /proc counts whole clock ticks
    finally:
        worker.stdin.close()
        worker.wait()


def test_timing_stages_with_production_settings_run_only_on_the_bench_database(
    settings, monkeypatch
):
    from django.db import connection

    settings.DJANGO_ENV = "production"
    monkeypatch.setenv("BENCH_PG_DB", "psp_bench")
    with pytest.raises(ImproperlyConfigured):
        datagen.refuse_outside_bench_database()
    if connection.vendor == "sqlite":  # `make test` on the embedded default
        monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/psp/var/bench/bench.sqlite3")
    else:
        monkeypatch.setenv("BENCH_PG_DB", connection.settings_dict["NAME"])
    datagen.refuse_outside_bench_database()  # the bench's own database: allowed
    with pytest.raises(ImproperlyConfigured):
        datagen.refuse_in_production()  # data generation stays refused


def test_the_bench_times_pages_with_production_settings():
    from bench.management.commands.bench import PRODUCTION_ENV, TIMED_STAGES

    assert PRODUCTION_ENV["DJANGO_ENV"] == "production"
    assert PRODUCTION_ENV["DEBUG"] == "false"
    assert PRODUCTION_ENV["STATIC_MANIFEST"] == "true"
    assert set(TIMED_STAGES) == {"pages", "api", "load"}


def test_load_stage_drafts_are_submittable(tiny):
    """The 200-applicant submission burst needs drafts the portal accepts: complete, and
    signed by their officer (without the signature every submit was a 409)."""
    from applications.services import application_submit
    from bench.load import make_submission_drafts

    datagen.generate(scale=1, seed=7)
    drafts = make_submission_drafts(2)
    for pk, _session in drafts:
        application = Application.objects.get(pk=pk)
        application_submit(
            application=application, actor=application.created_by, ip=None, attested=True
        )
        application.refresh_from_db()
        assert application.status == Application.Status.SUBMITTED


def test_load_stage_drafts_pass_the_submit_view_as_the_burst_posts_them(tiny, client):
    """Each of the 200 concurrent requests (bench.load._submit) posts the review page's
    form with the applicant's session cookie; every one was a 409 while the drafts had
    no officer's signature."""
    from django.conf import settings
    from django.urls import reverse

    from bench.load import SUBMIT_FORM, make_submission_drafts

    datagen.generate(scale=1, seed=7)
    [(pk, session)] = make_submission_drafts(1)
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    response = client.post(reverse("applications:submit", args=[pk]), SUBMIT_FORM)
    assert response.status_code == 302
    application = Application.objects.get(pk=pk)
    assert application.status == Application.Status.SUBMITTED
    assert application.reference_number


def test_pages_are_timed_one_request_of_each_per_round(tiny, monkeypatch):
    """A slow spell of the machine must fall on every page alike, the floor included."""
    from bench import pages as bench_pages

    datagen.generate(scale=1, seed=3)
    timed = []
    real_time = bench_pages._time

    def recording_time(samples, n):
        timed.extend([samples.page.key] * n)
        real_time(samples, n)

    monkeypatch.setattr(bench_pages, "_time", recording_time)
    bench_pages.measure_pages(runs=4, only=["site_list", "engagement_list"], profile=False)

    order = ["floor", "site_list", "engagement_list"]
    assert timed == order * 4
