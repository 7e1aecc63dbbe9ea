"""The rules behind letters and markings (issue 11): signatory, audience, settings, formats."""

import importlib

import pytest
from django.urls import reverse

from charts.svg import horizontal_bar_chart
from reports.kinds import EXTERNAL, INTERNAL, ReportKind, all_kinds, get_kind
from reports.letters import SIGNATORY_MISSING, salutation
from reports.models import RETIRED_MARKING, Report, ReportSettings
from reports.services import report_settings_update
from reports.templatetags.pdf_format import fixed, num, provided
from tests.reviews.factories import DecisionFactory

pytestmark = pytest.mark.django_db


# --- the signatory --------------------------------------------------------------------


def test_release_is_refused_until_a_signatory_is_configured(selecting_official, program_admin):
    from reviews.services import ReviewError, decisions_release

    decision = DecisionFactory(decided_by=selecting_official)
    cycle = decision.application.cycle
    with pytest.raises(ReviewError) as refused:
        decisions_release(cycle=cycle, actor=selecting_official)
    # The message says who must act, and where.
    assert "program admin" in str(refused.value) and "Report settings" in str(refused.value)
    decision.refresh_from_db()
    assert decision.released_at is None and decision.letter_id is None
    assert not Report.objects.filter(kind="decision_letter").exists()

    report_settings_update(
        actor=program_admin, signatory_name="Karen Friedman", signatory_title="Director, BJA"
    )
    released = decisions_release(cycle=cycle, actor=selecting_official)
    assert [d.pk for d in released] == [decision.pk]


def test_the_release_page_shows_who_must_configure_the_signatory(client, selecting_official):
    decision = DecisionFactory(decided_by=selecting_official)
    client.force_login(selecting_official)
    response = client.post(
        reverse("reviews:release", args=[decision.application.cycle_id]), follow=True
    )
    from django.utils.html import escape

    assert escape(SIGNATORY_MISSING) in response.content.decode()


def test_a_letter_rendered_without_signatory_fails_with_the_reason(render_now, selecting_official):
    decision = DecisionFactory(decided_by=selecting_official, outcome="selected")
    report = render_now("decision_letter", {"decision_id": decision.pk}, selecting_official)
    assert report.status == Report.Status.FAILED
    assert SIGNATORY_MISSING in report.error  # shown to staff on the report page


@pytest.mark.parametrize(
    "name,title,expected",
    [
        ("Terrence Hall", "Mayor", "Dear Mayor Hall:"),
        ("Terrence Hall", "Mayor of Springfield", "Dear Mayor Hall:"),
        ("Ana María López Jr.", "County Executive, Lake County", "Dear County Executive López:"),
        ("Pat Kim", "", "Dear Pat Kim:"),
        (
            "Pat Kim",
            "Acting deputy chief administrative officer for public safety",
            "Dear Pat Kim:",
        ),
        ("", "Mayor", "Dear Sir or Madam:"),
    ],
)
def test_salutation_uses_the_title(name, title, expected):
    assert salutation(name, title) == expected


# --- markings by audience -------------------------------------------------------------


def test_each_kind_declares_its_audience():
    audiences = {kind.slug: kind.audience for kind in all_kinds()}
    assert audiences["soi_packet"] == EXTERNAL
    assert audiences["decision_letter"] == EXTERNAL
    for slug in ("selection_slate", "site_engagement", "program_report", "half_year_narrative"):
        assert audiences[slug] == INTERNAL
    assert get_kind("program_report").is_internal and not get_kind("soi_packet").is_internal
    with pytest.raises(ValueError):
        ReportKind(
            slug="x",
            title="x",
            template_name="x",
            build_context=dict,
            can_view=bool,
            audience="all",
        )


def test_the_default_marking_is_the_cui_banner_and_the_retired_one_is_migrated():
    assert ReportSettings.load().marking == "CUI"
    ReportSettings.objects.filter(pk=1).update(marking=RETIRED_MARKING)
    migration = importlib.import_module(
        "reports.migrations.0005_report_settings_designation_signatory"
    )
    from django.apps import apps

    migration.retire_fouo(apps, None)
    assert ReportSettings.load().marking == "CUI"


SETTINGS_FORM = {
    "marking": "CUI//FEDCON",
    "controlled_by": "U.S. Department of Justice, OJP, BJA",
    "cui_category": "General Privacy",
    "dissemination": "FEDCON",
    "point_of_contact": "PSP program office, psp@example.gov",
    "signatory_name": "Karen Friedman",
    "signatory_title": "Director, Bureau of Justice Assistance",
}


def test_program_admin_configures_designation_and_signatory(client, program_admin):
    client.force_login(program_admin)
    response = client.post(reverse("reports:settings"), SETTINGS_FORM)
    assert response.status_code == 302
    saved = ReportSettings.load()
    assert {name: getattr(saved, name) for name in SETTINGS_FORM} == SETTINGS_FORM
    assert saved.history.latest().history_user == program_admin


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"marking": "CUI // FOUO"}, "marking", "FOUO is a retired marking"),
        ({"marking": "FOR OFFICIAL USE ONLY"}, "marking", "FOUO is a retired marking"),
        ({"signatory_title": ""}, "signatory_title", "both the signatory"),
        ({"signatory_name": "  "}, "signatory_name", "both the signatory"),
        ({"cui_category": " "}, "cui_category", "This field is required."),
    ],
)
def test_bad_settings_are_refused_beside_the_field(client, program_admin, changes, field, message):
    client.force_login(program_admin)
    page = client.post(reverse("reports:settings"), {**SETTINGS_FORM, **changes})
    assert page.status_code == 200
    assert message in page.context["form"].errors[field][0]
    assert ReportSettings.load().signatory_name == ""  # nothing saved
    assert SETTINGS_FORM["point_of_contact"] in page.content.decode()  # nothing typed is lost


# --- formats --------------------------------------------------------------------------


def test_numbers_and_missing_values_print_for_a_reader():
    assert num(180000) == "180,000"
    assert num("1234.50") == "1,234.5"
    assert num(6.0) == "6"
    assert num(None) == "" and num("") == ""
    # Rates keep their decimal: a column "rounded to one decimal" reads alike in every row.
    assert fixed(800) == "800.0" and fixed("1000") == "1,000.0" and fixed(958.25) == "958.2"
    assert fixed(None) == ""
    assert provided("") == "Not provided" and provided(None) == "Not provided"
    assert provided("123456789ABC") == "123456789ABC"


def test_charts_label_with_thousands_and_know_when_empty():
    chart = horizontal_bar_chart([("Hours", 180000)], title="T", description="D.", chart_id="c")
    assert "180,000" in chart.svg and not chart.is_empty
    assert "Total 180,000" in chart.pdf_svg  # the /Alt states the finding
    assert horizontal_bar_chart([("Hours", 0)], title="T", description="D.", chart_id="c").is_empty
