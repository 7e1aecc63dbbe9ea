"""Pages and steps: who may use each, what they show, and how many queries they run."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from outcomes.models import OutcomeDueDate, OutcomeImport, OutcomeYear
from tests.conftest import make_staff
from tests.factories import ApplicantFactory, SiteFactory
from tests.outcomes.helpers import national_rates, site_with_figures, verified

pytestmark = pytest.mark.django_db
FORM = {
    "murder": "20",
    "rape": "80",
    "robbery": "400",
    "aggravated_assault": "1200",
    "population": "200000",
    "source": "ucr_nibrs",
    "note": "",
}


def test_site_user_sees_the_site_figures_page(client, site, site_user):
    client.force_login(site_user)
    response = client.get(reverse("outcomes:site", args=[site.pk]))
    assert response.status_code == 200
    assert reverse("outcomes:enter", args=[site.pk, 2020]).encode() in response.content


def test_other_jurisdiction_applicant_gets_404_everywhere(client, site, site_user, other_applicant):
    row = OutcomeYear.objects.create(site=site, year=2020, status="submitted", **{k: 1 for k in ("murder", "rape", "robbery", "aggravated_assault")}, population=1000, source="local")  # fmt: skip
    client.force_login(other_applicant)
    assert client.get(reverse("outcomes:site", args=[site.pk])).status_code == 404
    assert client.get(reverse("outcomes:enter", args=[site.pk, 2020])).status_code == 404
    assert client.post(reverse("outcomes:enter", args=[site.pk, 2020]), FORM).status_code == 404
    for name in ("submit", "verify", "return"):
        assert client.post(reverse(f"outcomes:{name}", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.status == "submitted"


def test_site_user_enters_and_submits_through_the_form(client, site, site_user):
    client.force_login(site_user)
    response = client.post(reverse("outcomes:enter", args=[site.pk, 2020]), {**FORM, "submit": "1"})
    assert response.status_code == 302
    row = OutcomeYear.objects.get(site=site, year=2020)
    assert row.status == "submitted" and row.offenses == 1700


def test_bad_figures_show_a_message_by_the_field_and_keep_what_was_typed(client, site, site_user):
    client.force_login(site_user)
    data = {**FORM, "robbery": "-3", "population": "0", "note": "Estimated by the agency"}
    response = client.post(reverse("outcomes:enter", args=[site.pk, 2020]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The population must be greater than zero." in body
    assert "Estimated by the agency" in body and 'value="1200"' in body
    assert not OutcomeYear.objects.exists()


def test_offenses_above_population_are_refused(client, site, site_user):
    client.force_login(site_user)
    response = client.post(
        reverse("outcomes:enter", args=[site.pk, 2020]), {**FORM, "population": "100"}
    )
    assert "more than the population" in response.content.decode()


@pytest.mark.parametrize("role", [roles.REVIEWER, roles.SITE_LIAISON])
def test_staff_without_outcomes_permission_may_not_enter(client, site, role):
    client.force_login(make_staff(role))
    assert client.get(reverse("outcomes:enter", args=[site.pk, 2020])).status_code == 403


def test_liaison_of_the_site_may_not_enter(client, site, liaison):
    client.force_login(liaison)
    assert client.post(reverse("outcomes:enter", args=[site.pk, 2020]), FORM).status_code == 403


def test_program_admin_may_enter(client, site, program_admin):
    client.force_login(program_admin)
    response = client.post(reverse("outcomes:enter", args=[site.pk, 2020]), FORM)
    assert response.status_code == 302
    assert OutcomeYear.objects.get(site=site, year=2020).entered_by == program_admin


def _submitted(site, user):
    from outcomes.services import outcome_enter

    return outcome_enter(site=site, year=2020, actor=user, submit=True, **{k: int(v) if v.isdigit() else v for k, v in FORM.items()})  # fmt: skip


def test_liaison_verifies_and_site_user_cannot(client, site, site_user, liaison):
    row = _submitted(site, site_user)
    client.force_login(site_user)
    assert client.post(reverse("outcomes:verify", args=[row.pk])).status_code == 403
    client.force_login(liaison)
    assert client.post(reverse("outcomes:verify", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.status == "verified"


def test_return_needs_a_reason_on_the_form(client, site, site_user, liaison):
    row = _submitted(site, site_user)
    client.force_login(liaison)
    response = client.post(reverse("outcomes:return", args=[row.pk]), {"reason": "   "})
    assert response.status_code == 200
    assert "Enter the reason for returning the figures." in response.content.decode()
    response = client.post(
        reverse("outcomes:return", args=[row.pk]), {"reason": "Robbery doubled?"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "returned"


def test_other_liaison_may_not_return(client, site, site_user):
    row = _submitted(site, site_user)
    client.force_login(make_staff(roles.SITE_LIAISON))
    assert (
        client.post(reverse("outcomes:return", args=[row.pk]), {"reason": "x"}).status_code == 403
    )


def test_site_page_shows_the_outcomes_panel_with_its_data_table(client, liaison, reviewer):
    national_rates()
    site = site_with_figures(liaison=liaison)
    client.force_login(reviewer)
    body = client.get(reverse("sites:detail", args=[site.pk])).content.decode()
    assert 'id="outcomes-heading"' in body
    # The chart's data table holds the hand-computed figures (see test_arithmetic).
    assert "850.0" in body and "-11.3%" in body and "-8.0 points" in body
    assert "Baseline (2016-2018) mean rate 958.3" in body
    assert "Missing years: 2020, 2021, 2022, 2023, 2024." in body


def test_site_page_query_count_with_the_panel_stays_within_budget(
    client, reviewer, liaison, django_assert_max_num_queries
):
    national_rates()
    site = site_with_figures(liaison=liaison)
    client.force_login(reviewer)
    client.get(reverse("sites:detail", args=[site.pk]))
    with django_assert_max_num_queries(15):
        client.get(reverse("sites:detail", args=[site.pk]))


def test_program_outcomes_page_for_staff_only(client, reviewer, applicant, liaison):
    client.force_login(applicant)
    assert client.get(reverse("outcomes:program")).status_code == 403
    client.force_login(reviewer)
    assert client.get(reverse("outcomes:program")).status_code == 200


def test_program_outcomes_page_summary_and_sort(client, reviewer):
    national_rates()
    falling = site_with_figures(jurisdiction__name="Falltown")  # -11.3%
    rising = SiteFactory(
        jurisdiction__name="Risetown", cohort_year=2019, start_date=datetime.date(2019, 10, 1),
        expected_end_date=datetime.date(2022, 10, 1),
    )  # fmt: skip
    for year in (2016, 2017, 2018):
        verified(rising, year, 1000)  # 500.0
    verified(rising, 2019, 1100)  # 550.0: +10.0%, relative +13.3
    SiteFactory(jurisdiction__name="Emptyville")  # no figures at all
    client.force_login(reviewer)
    response = client.get(reverse("outcomes:program"))
    summary = response.context["summary"]
    assert len(summary.with_data) == 2 and summary.site_count == 3
    assert str(summary.median_change.value) == "-0.7"
    assert str(summary.median_relative.value) == "2.7"
    names = [item.site.jurisdiction.name for item, _chart in response.context["charts"]]
    assert names == ["Falltown", "Risetown", "Emptyville"]  # largest fall first, no data last
    body = response.content.decode()
    assert 'data-figure="median-change">-0.7%' in body
    assert "Falltown, OH (2019): -11.3% (2019)" in body  # the sites behind the median
    # Filtering by cohort leaves the 2024 site out.
    response = client.get(reverse("outcomes:program"), {"cohort_year": 2019})
    assert response.context["summary"].site_count == 2
    assert falling.pk


def test_years_filter_limits_the_years_shown(client, reviewer):
    national_rates()
    site_with_figures()
    client.force_login(reviewer)
    response = client.get(reverse("outcomes:program"), {"year_from": 2018, "year_to": 2020})
    item, _chart = response.context["charts"][0]
    assert [row.year for row in item.series.years] == [2018, 2019, 2020]
    assert str(item.series.baseline_rate) == "958.3"  # the baseline is still all three years


@pytest.mark.parametrize("count", [10, 100])
def test_program_outcomes_page_queries_do_not_grow(
    client, reviewer, django_assert_max_num_queries, count
):
    national_rates()
    for _ in range(count):
        site_with_figures()
    client.force_login(reviewer)
    client.get(reverse("outcomes:program"))
    with django_assert_max_num_queries(15) as captured:
        response = client.get(reverse("outcomes:program"))
    assert response.context["summary"].site_count == count
    # The same number at both sizes (pinned exactly so growth shows).
    assert len(captured.captured_queries) == 6


def test_export_csv_has_missing_years_empty_never_zero(client, reviewer):
    national_rates()
    site = site_with_figures()
    client.force_login(reviewer)
    response = client.get(reverse("outcomes:export"))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("site_id,site,state,cohort_year")
    by_year = {line.split(",")[5]: line.split(",") for line in lines[1:]}
    # A computed negative change is a number a spreadsheet can sum, not guarded text.
    assert by_year["2019"][15] == "850.0" and by_year["2019"][17] == "-11.3"
    assert (
        by_year["2020"][7] == "missing" and by_year["2020"][15] == "" and by_year["2020"][17] == ""
    )
    assert str(site.pk) == by_year["2019"][0]


def test_export_is_staff_only(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("outcomes:export")).status_code == 403


def test_due_dates_page_sets_a_date_and_reminds(
    client, program_admin, site, site_user, django_capture_on_commit_callbacks
):
    client.force_login(program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outcomes:due_dates"), {"year": 2023, "due_on": "2024-10-01"}
        )
    assert response.status_code == 302
    assert OutcomeDueDate.objects.get(year=2023).set_by == program_admin
    assert OutcomeYear.objects.get(site=site, year=2023).status == "due"
    assert len(mail.outbox) == 2


def test_due_date_must_follow_the_year(client, program_admin):
    client.force_login(program_admin)
    response = client.post(reverse("outcomes:due_dates"), {"year": 2023, "due_on": "2023-06-01"})
    assert "after the year has ended" in response.content.decode()


@pytest.mark.parametrize("role", [roles.REVIEWER, roles.SITE_LIAISON])
def test_due_dates_and_import_are_for_program_admins(client, role):
    client.force_login(make_staff(role))
    assert client.get(reverse("outcomes:due_dates")).status_code == 403
    assert client.get(reverse("outcomes:import")).status_code == 403


def _upload(client, text, name="figures.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return client.post(reverse("outcomes:import"), {"file": upload})


HEADER = "site_id,year,murder,rape,robbery,aggravated_assault,population,source,note,submit\n"


def test_import_is_all_or_nothing_with_errors_per_row(client, program_admin, site):
    other = SiteFactory()
    client.force_login(program_admin)
    text = (
        HEADER
        + f"{site.pk},2020,20,80,400,1200,200000,ucr_nibrs,,yes\n"
        + f"{other.pk},2023,1,2,3,4,0,fbi,,\n"  # population 0
        + "999999,2021,1,2,3,4,5000,local,,\n"  # unknown site
        + f"{site.pk},2020,1,2,3,x,5000,local,,\n"  # not a number, and a duplicate
    )
    response = _upload(client, text)
    job = OutcomeImport.objects.get()
    assert response.status_code == 302 and job.status == "rejected"
    lines = sorted({error["line"] for error in job.errors})
    assert lines == [3, 4, 5]
    assert not OutcomeYear.objects.exists()  # the good first row was not written either
    body = client.get(reverse("outcomes:import_detail", args=[job.pk])).content.decode()
    assert "unknown site 999999" in body and "Nothing was imported" in body


def test_import_writes_every_row_when_all_are_right(client, program_admin, site):
    client.force_login(program_admin)
    text = (
        HEADER
        + f"{site.pk},2020,20,80,400,1200,200000,ucr_nibrs,,yes\n{site.pk},2021,10,10,10,10,210000,local,est.,\n"
    )
    _upload(client, text)
    job = OutcomeImport.objects.get()
    assert job.status == "done" and job.written == 2
    rows = {row.year: row for row in OutcomeYear.objects.filter(site=site)}
    assert rows[2020].status == "submitted" and rows[2021].status == "due"
    assert rows[2020].origin == "imported"
    assert rows[2020].history.latest().history_user == program_admin


def test_large_import_runs_in_a_task_after_commit(
    client, program_admin, django_capture_on_commit_callbacks
):
    sites = [
        SiteFactory(cohort_year=2019, start_date=datetime.date(2019, 10, 1)) for _ in range(30)
    ]
    text = HEADER + "".join(
        f"{s.pk},{year},1,2,3,4,100000,ucr_nibrs,,\n" for s in sites for year in range(2016, 2024)
    )  # 240 rows: above the in-request limit
    client.force_login(program_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, text)
    job = OutcomeImport.objects.get()
    assert job.status == "queued" and len(callbacks) == 1
    callbacks[0]()  # the task (eager in tests)
    job.refresh_from_db()
    assert job.status == "done" and job.written == 240


def test_import_detail_is_only_for_its_uploader(client, program_admin):
    job = OutcomeImport.objects.create(content="", created_by=program_admin)
    client.force_login(make_staff(roles.PROGRAM_ADMIN))
    assert client.get(reverse("outcomes:import_detail", args=[job.pk])).status_code == 404


def test_workspace_lists_figures_due_returned_and_to_verify(client, liaison, site, site_user):
    from outcomes.services import outcome_return

    OutcomeYear.objects.create(site=site, year=2023, status="due")
    row = _submitted(site, site_user)
    other = SiteFactory(liaison=make_staff(roles.SITE_LIAISON))
    OutcomeYear.objects.create(site=other, year=2023, status="due")
    client.force_login(liaison)
    body = client.get(reverse("sites:workspace")).content.decode()
    assert f"{site.jurisdiction.name}, 2020" in body and f"{site.jurisdiction.name}, 2023" in body
    assert other.jurisdiction.name not in body
    outcome_return(outcome=row, reason="Check robbery.", actor=liaison)
    body = client.get(reverse("sites:workspace")).content.decode()
    assert "Check robbery." in body


def test_navigation_shows_outcomes_to_staff(client, reviewer):
    client.force_login(reviewer)
    assert reverse("outcomes:program").encode() in client.get(reverse("dashboard")).content


def test_unrelated_applicant_may_enter_only_their_site(client, site):
    own_site = SiteFactory(cohort_year=2019, start_date=datetime.date(2019, 10, 1))
    user = ApplicantFactory(jurisdiction=own_site.jurisdiction)
    client.force_login(user)
    assert client.get(reverse("outcomes:enter", args=[own_site.pk, 2020])).status_code == 200
    assert client.get(reverse("outcomes:enter", args=[site.pk, 2020])).status_code == 404


def test_site_figures_page_says_who_entered_and_verified(client, site, site_user, liaison):
    from outcomes.services import outcome_verify

    outcome_verify(outcome=_submitted(site, site_user), actor=liaison)
    client.force_login(site_user)
    body = client.get(reverse("outcomes:site", args=[site.pk])).content.decode()
    assert f"Entered by {site_user.get_full_name()}" in body
    assert f"Verified by {liaison.get_full_name()}" in body


def test_site_figures_page_queries_do_not_grow(
    client, site, site_user, django_assert_max_num_queries
):
    national_rates()
    for year in range(2016, 2025):
        verified(site, year, 1500)
    client.force_login(site_user)
    client.get(reverse("outcomes:site", args=[site.pk]))
    with django_assert_max_num_queries(10):
        client.get(reverse("outcomes:site", args=[site.pk]))
