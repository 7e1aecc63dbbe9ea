"""Section pages: validation messages beside fields, input kept, stale saves refused."""

import pytest
from django.urls import reverse

from applications.models import Application, Certification, CrimeFigures, IceAnswer
from applications.services import application_section_save
from applications.texts import CERTIFICATION_V1, ICE_QUESTIONS_V1
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def url(application, section):
    return reverse("applications:section", args=[application.pk, section])


def crime_post(application, **overrides):
    data = {"version": application.version}
    for year in application.cycle.crime_years:
        data.update(
            {
                f"y{year}-murder": "40",
                f"y{year}-rape": "160",
                f"y{year}-robbery": "500",
                f"y{year}-aggravated_assault": "1300",
                f"y{year}-population": "270000",
                f"y{year}-data_source": "ucr_nibrs",
            }
        )
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "section", ["profile", "contacts", "crime", "narrative", "certification", "ice"]
)
def test_every_section_page_opens_with_progress(client, applicant, draft, section):
    client.force_login(applicant)
    response = client.get(url(draft, section))
    assert response.status_code == 200
    assert b"Not started" in response.content
    assert f'name="version" value="{draft.version}"'.encode() in response.content


def test_profile_bad_ori_refused_with_input_kept(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "profile"),
        {
            "version": draft.version,
            "population": "270000",
            "lead_agency_ori": "OH12",
            "lead_agency_name": "Testville Police Department",
            "uei": "abc",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "An ORI is 9 characters" in html
    assert "A UEI is 12 letters or digits" in html
    assert 'value="Testville Police Department"' in html  # typed input kept
    draft.refresh_from_db()
    assert draft.population is None  # nothing written


def test_profile_valid_saves_even_when_other_sections_incomplete(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "profile"),
        {
            "version": draft.version,
            "population": "270000",
            "lead_agency_ori": "oh0570100",
            "continue": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(draft, "contacts")
    draft.refresh_from_db()
    assert (draft.population, draft.lead_agency_ori) == (270000, "OH0570100")


def test_crime_figures_saved_with_server_rates(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(url(draft, "crime"), crime_post(draft))
    assert response.status_code == 302
    rates = set(CrimeFigures.objects.filter(application=draft).values_list("rate", flat=True))
    assert {str(r) for r in rates} == {"740.7"}
    page = client.get(url(draft, "crime")).content.decode()
    assert "740.7" in page and "1.92" in page  # ratio to 386.3


def test_crime_negative_and_impossible_refused(client, applicant, draft):
    client.force_login(applicant)
    y1, y2, y3 = draft.cycle.crime_years
    response = client.post(
        url(draft, "crime"),
        crime_post(
            draft,
            **{
                f"y{y1}-robbery": "-5",
                f"y{y2}-population": "1000",
                f"y{y3}-murder": "",
                f"y{y3}-rape": "",
                f"y{y3}-robbery": "",
                f"y{y3}-aggravated_assault": "",
                f"y{y3}-population": "",
            },
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A count cannot be negative." in html
    assert "more than the population of 1,000" in html
    assert 'value="-5"' in html  # typed input kept
    assert not CrimeFigures.objects.filter(application=draft).exists()


def _only_first_year(draft, **values):
    y1 = draft.cycle.crime_years[0]
    data = {"version": draft.version}
    for year in draft.cycle.crime_years:
        for name in ("murder", "rape", "robbery", "aggravated_assault", "population"):
            data[f"y{year}-{name}"] = ""
    data.update({f"y{y1}-{k}": v for k, v in values.items()})
    return data


def test_crime_draft_saves_one_complete_year_and_shows_in_progress(client, applicant, draft):
    # Issue 13 item 1: only the first year typed used to give 12 errors and store nothing.
    client.force_login(applicant)
    y1, y2, y3 = draft.cycle.crime_years
    data = _only_first_year(
        draft,
        murder="40",
        rape="160",
        robbery="500",
        aggravated_assault="1300",
        population="270000",
        data_source="ucr_nibrs",
    )
    response = client.post(url(draft, "crime"), data)
    assert response.status_code == 302
    row = CrimeFigures.objects.get(application=draft)
    assert (row.year, str(row.rate)) == (y1, "740.7")
    page = client.get(url(draft, "crime")).content.decode()
    assert "In progress" in page
    assert f"Figures for {y2}" in page and f"Figures for {y3}" in page


def test_crime_draft_keeps_a_partly_typed_year_without_a_rate(client, applicant, draft):
    client.force_login(applicant)
    y1 = draft.cycle.crime_years[0]
    response = client.post(url(draft, "crime"), _only_first_year(draft, murder="40"))
    assert response.status_code == 302
    row = CrimeFigures.objects.get(application=draft)
    assert (row.murder, row.rape, row.population, row.rate) == (40, None, None, None)
    page = client.get(url(draft, "crime")).content.decode()
    assert 'value="40"' in page  # what was typed comes back
    assert f"Figures for {y1}: rape, robbery, aggravated assault, population, data source" in page
    # Completing the year later computes its rate.
    client.post(
        url(draft, "crime"),
        _only_first_year(
            draft,
            murder="40",
            rape="160",
            robbery="500",
            aggravated_assault="1300",
            population="270000",
            data_source="ucr_nibrs",
        )
        | {"version": Application.objects.get(pk=draft.pk).version},
    )
    row.refresh_from_db()
    assert str(row.rate) == "740.7"


def test_crime_year_cleared_in_a_draft_is_removed(client, applicant, draft):
    client.force_login(applicant)
    client.post(url(draft, "crime"), _only_first_year(draft, murder="40"))
    version = Application.objects.get(pk=draft.pk).version
    response = client.post(url(draft, "crime"), _only_first_year(draft) | {"version": version})
    assert response.status_code == 302
    assert not CrimeFigures.objects.filter(application=draft).exists()


def test_narrative_word_limit_enforced_with_count(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "narrative"),
        {
            "version": draft.version,
            "narrative_problem": "word " * 501,
            "narrative_tta": "Kept text",
            "tta_focus_areas": ["crime_analysis"],
        },
    )
    html = response.content.decode()
    assert "This answer has 501 words; the limit is 500." in html
    assert "Kept text" in html
    draft.refresh_from_db()
    assert draft.narrative_tta == ""


def test_narrative_focus_areas_show_descriptions(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(url(draft, "narrative")).content.decode()
    assert "Using data to find where, when and by whom violence happens" in html
    assert "Up to 500 words." in html


def test_certification_page_shows_the_versioned_text_in_full(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(url(draft, "certification")).content.decode()
    assert CERTIFICATION_V1.replace("'", "&#x27;") in html
    assert "version 2017-08" in html


def test_certification_saved_names_the_officer_only(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "certification"),
        {
            "version": draft.version,
            "clo_name": "Pat  Counsel",
            "clo_title": "City Attorney",
            "clo_email": "Pat@Example.gov",
        },
    )
    assert response.status_code == 302
    cert = draft.certification
    assert (cert.clo_name, cert.clo_email) == ("Pat Counsel", "pat@example.gov")
    # Naming the officer is not signing: the applicant cannot certify for them.
    assert cert.certifies is None and cert.signature is None


def test_certification_malformed_email_refused_and_input_kept(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "certification"),
        {
            "version": draft.version,
            "clo_name": "Pat Counsel",
            "clo_title": "City Attorney",
            "clo_email": "pat-at-example",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address like name@city.gov." in html
    assert 'value="Pat Counsel"' in html and 'value="pat-at-example"' in html
    assert not Certification.objects.filter(application=draft).exists()


def test_certification_applicants_own_email_refused(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "certification"),
        {
            "version": draft.version,
            "clo_name": "Pat Counsel",
            "clo_title": "City Attorney",
            "clo_email": applicant.email.upper(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The chief legal officer signs personally" in html
    assert 'value="Pat Counsel"' in html
    assert not Certification.objects.filter(application=draft).exists()


def test_ice_questions_appear_word_for_word(client, applicant, draft):
    client.force_login(applicant)
    html = client.get(url(draft, "ice")).content.decode().replace("&#x27;", "'")
    for question in ICE_QUESTIONS_V1:
        assert question in html


def test_ice_no_and_not_applicable_need_explanation(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "ice"),
        {
            "version": draft.version,
            "q1_answer": "no",
            "q2_answer": "na",
            "q3_answer": "yes",
            "q3_explanation": "Policy 12.4",
        },
    )
    html = response.content.decode()
    assert "Question 1: explain the answer" in html
    assert "Question 2: explain the answer" in html
    assert "Policy 12.4" in html
    assert not IceAnswer.objects.filter(application=draft).exists()


def test_ice_answers_saved_with_question_version(client, applicant, draft):
    client.force_login(applicant)
    client.post(
        url(draft, "ice"),
        {
            "version": draft.version,
            "q1_answer": "yes",
            "q2_answer": "no",
            "q2_explanation": "County jail",
            "q3_answer": "na",
            "q3_explanation": "No jail",
        },
    )
    answers = IceAnswer.objects.filter(application=draft).order_by("question_number")
    assert [a.answer for a in answers] == ["yes", "no", "na"]
    assert {a.question_set.version for a in answers} == {"2017-08"}


def test_stale_version_refused_with_input_kept(client, applicant, draft):
    colleague = ApplicantFactory(jurisdiction=draft.jurisdiction)
    loaded = draft.version
    application_section_save(
        application=draft,
        section="profile",
        data={"population": 1000},
        loaded_version=loaded,
        actor=colleague,
    )
    client.force_login(applicant)
    response = client.post(
        url(draft, "profile"),
        {
            "version": loaded,
            "population": "2000",
            "lead_agency_name": "My typed agency",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this section at" in html
    assert "review their changes" in html
    assert 'value="My typed agency"' in html
    draft.refresh_from_db()
    assert draft.population == 1000 and draft.lead_agency_name == ""
    # The page now carries the current version: a deliberate second save goes through.
    assert f'name="version" value="{draft.version}"' in html


def test_form_ignores_fields_the_user_may_not_set(client, applicant, draft, other_applicant):
    client.force_login(applicant)
    client.post(
        url(draft, "profile"),
        {
            "version": draft.version,
            "population": "5",
            "status": "submitted",
            "jurisdiction": other_applicant.jurisdiction_id,
            "reference_number": "PSP-2026-9999",
        },
    )
    draft.refresh_from_db()
    assert draft.population == 5
    assert draft.status == Application.Status.DRAFT
    assert draft.jurisdiction_id == applicant.jurisdiction_id
    assert draft.reference_number is None


def test_submitted_soi_sections_are_read_only(client, applicant, submitted):
    client.force_login(applicant)
    assert client.get(url(submitted, "profile")).status_code == 200
    response = client.post(
        url(submitted, "profile"), {"version": submitted.version, "population": "1"}
    )
    assert response.status_code == 403


def test_save_and_continue_on_the_last_section_goes_to_review(client, applicant, draft):
    client.force_login(applicant)
    response = client.post(
        url(draft, "ice"),
        {
            "version": draft.version,
            "q1_answer": "yes",
            "q2_answer": "yes",
            "q3_answer": "na",
            "q3_explanation": "The county runs the jail.",
            "continue": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:review", args=[draft.pk])
