"""The section registry and each section's completeness rules, one test per rule.

Every rule test starts from a complete draft, breaks exactly one thing and expects
exactly that gap, so removing a rule from its section module fails its test here.
"""

import pytest

from applications.models import Application, Certification, Contact, CrimeFigures, IceAnswer, Letter
from applications.sections import (
    COMPLETE,
    IN_PROGRESS,
    NOT_STARTED,
    SECTIONS,
    SECTIONS_BY_KEY,
    application_progress,
    incomplete_sections,
    with_sections,
)
from applications.services import application_section_save
from applications.snapshot import build_snapshot

pytestmark = pytest.mark.django_db


def _missing(application, key):
    fresh = with_sections(Application.objects.filter(pk=application.pk)).get()
    return SECTIONS_BY_KEY[key].missing(fresh)


def _fresh(application):
    return with_sections(Application.objects.filter(pk=application.pk)).get()


# --- the registry ----------------------------------------------------------------------


def test_registry_lists_the_sections_in_filing_order():
    assert [(s.key, s.title) for s in SECTIONS] == [
        ("profile", "Jurisdiction"),
        ("contacts", "Contacts"),
        ("crime", "Violent-crime figures"),
        ("narrative", "Narrative"),
        ("letters", "Letters of commitment"),
        ("certification", "Section 1373 certification"),
        ("ice", "ICE-cooperation questions"),
    ]


def test_every_section_but_letters_is_edited_on_the_section_page():
    # Letters are uploaded one at a time on a page of their own.
    assert [s.key for s in SECTIONS if not s.has_form] == ["letters"]
    for section in SECTIONS:
        if section.has_form:
            assert section.cleaned is not None and section.save is not None


def test_snapshot_parts_have_distinct_keys_outside_the_header():
    keys = [s.snapshot_key for s in SECTIONS]
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {"format", "reference_number", "submitted_at", "submitted_by"}
    assert not set(keys) & {"cycle", "attestation"}


def test_with_sections_reads_everything_progress_and_snapshot_need(
    complete_draft, django_assert_num_queries
):
    application = _fresh(complete_draft)
    # Every check, page context and snapshot part reads only what with_sections loaded.
    with django_assert_num_queries(0):
        application_progress(application)
        build_snapshot(application)
        for section in SECTIONS:
            section.context(application)


def test_complete_draft_has_no_incomplete_section(complete_draft):
    application = _fresh(complete_draft)
    assert incomplete_sections(application) == []
    assert {s.state for s in application_progress(application)} == {COMPLETE}


# --- savers write their own fields only -------------------------------------------------


def test_a_saver_refuses_a_field_of_another_section(applicant, draft):
    with pytest.raises(ValueError, match="Not part of the profile section"):
        application_section_save(
            application=draft,
            section="profile",
            data={"population": 5, "narrative_problem": "x"},
            loaded_version=None,
            actor=applicant,
        )


def test_a_saver_refuses_a_field_that_is_not_a_form_field(applicant, draft):
    # Status, version and the like are never set through a section save.
    with pytest.raises(ValueError, match="Not part of the narrative section"):
        application_section_save(
            application=draft,
            section="narrative",
            data={"status": "submitted"},
            loaded_version=None,
            actor=applicant,
        )
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_contacts_saver_refuses_an_unknown_role_or_attribute(applicant, draft):
    with pytest.raises(ValueError, match="contacts"):
        application_section_save(
            application=draft,
            section="contacts",
            data={"mayor": {"name": "x"}},
            loaded_version=None,
            actor=applicant,
        )
    with pytest.raises(ValueError, match="contacts"):
        application_section_save(
            application=draft,
            section="contacts",
            data={"prosecutor": {"application_id": 1}},
            loaded_version=None,
            actor=applicant,
        )
    assert not Contact.objects.filter(application=draft).exists()


def test_certification_saver_cannot_stamp_the_signature(applicant, draft):
    # What was signed is stamped by application_submit only.
    with pytest.raises(ValueError, match="certification"):
        application_section_save(
            application=draft,
            section="certification",
            data={"clo_name": "Pat", "signed_at": "2026-01-01T00:00:00"},
            loaded_version=None,
            actor=applicant,
        )
    assert not Certification.objects.filter(application=draft).exists()


def test_ice_saver_refuses_a_fourth_question(applicant, draft):
    with pytest.raises(ValueError, match="ice"):
        application_section_save(
            application=draft,
            section="ice",
            data={4: ("yes", "")},
            loaded_version=None,
            actor=applicant,
        )


def test_letters_are_not_saved_as_a_section(applicant, draft):
    with pytest.raises(ValueError, match="Unknown section"):
        application_section_save(
            application=draft, section="letters", data={}, loaded_version=None, actor=applicant
        )


# --- started -----------------------------------------------------------------------------


def test_a_section_is_started_by_its_first_save(applicant, draft):
    application_section_save(
        application=draft,
        section="narrative",
        data={"narrative_problem": "x"},
        loaded_version=None,
        actor=applicant,
    )
    states = {s.key: s.state for s in application_progress(_fresh(draft))}
    assert states["narrative"] == IN_PROGRESS
    assert states["profile"] == NOT_STARTED


def test_letters_are_started_by_a_letter_not_a_save(complete_draft):
    complete_draft.letters.filter(kind=Letter.Kind.AGENCY_HEAD).delete()
    states = {s.key: s.state for s in application_progress(_fresh(complete_draft))}
    assert states["letters"] == IN_PROGRESS
    complete_draft.letters.all().delete()
    states = {s.key: s.state for s in application_progress(_fresh(complete_draft))}
    assert states["letters"] == NOT_STARTED


# --- 1. profile ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,label",
    [
        ("population", "Population"),
        ("population_year", "Population year"),
        ("lead_agency_name", "Lead law-enforcement agency"),
        ("lead_agency_ori", "Lead agency ORI"),
        ("judicial_district", "Federal judicial district"),
    ],
)
def test_profile_requires_each_field(complete_draft, field, label):
    blank = None if field in ("population", "population_year") else ""
    Application.objects.filter(pk=complete_draft.pk).update(**{field: blank})
    assert _missing(complete_draft, "profile") == [label]


def test_profile_uei_is_optional(complete_draft):
    Application.objects.filter(pk=complete_draft.pk).update(uei="")
    assert _missing(complete_draft, "profile") == []


# --- 2. contacts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,label",
    [
        ("chief_executive", "Chief executive (mayor or county executive)"),
        ("agency_head", "Head of the lead agency (chief or sheriff)"),
        ("prosecutor", "Prosecutor"),
        ("chief_legal_officer", "Chief legal officer"),
        ("point_of_contact", "Primary point of contact"),
    ],
)
def test_contacts_require_each_role(complete_draft, role, label):
    Contact.objects.filter(application=complete_draft, role=role).delete()
    assert _missing(complete_draft, "contacts") == [f"{label}: name, title, email, phone"]


@pytest.mark.parametrize("attr", ["name", "title", "email", "phone"])
def test_contacts_require_each_detail(complete_draft, attr):
    Contact.objects.filter(application=complete_draft, role="prosecutor").update(**{attr: ""})
    assert _missing(complete_draft, "contacts") == [f"Prosecutor: {attr}"]


# --- 3. crime figures ----------------------------------------------------------------------


def test_crime_requires_each_year_the_cycle_asks_for(complete_draft):
    years = complete_draft.cycle.crime_years
    assert len(years) == 3
    for year in years:
        CrimeFigures.objects.filter(application=complete_draft, year=year).delete()
        assert f"Figures for {year}" in _missing(complete_draft, "crime")
    assert _missing(complete_draft, "crime") == [f"Figures for {year}" for year in years]


def test_crime_figures_for_another_year_do_not_count(complete_draft):
    first = complete_draft.cycle.crime_years[0]
    CrimeFigures.objects.filter(application=complete_draft, year=first).update(year=first - 5)
    assert _missing(complete_draft, "crime") == [f"Figures for {first}"]


@pytest.mark.parametrize("attr", ["robbery", "population", "data_source"])
def test_crime_year_with_a_blank_value_is_incomplete(complete_draft, attr):
    # A draft may keep a half-typed year (issue 13 item 1); submission must still refuse it.
    first = complete_draft.cycle.crime_years[0]
    blank = "" if attr == "data_source" else None
    CrimeFigures.objects.filter(application=complete_draft, year=first).update(
        **{attr: blank, "rate": None}
    )
    label = str(CrimeFigures._meta.get_field(attr).verbose_name)
    assert _missing(complete_draft, "crime") == [f"Figures for {first}: {label}"]


# --- 4. narrative --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,label",
    [
        ("narrative_problem", "Violent crime problem and trend"),
        ("narrative_strategies", "Current strategies"),
        ("narrative_partnerships", "Partnerships"),
        ("narrative_leadership", "Leadership commitment and readiness"),
        ("narrative_tta", "Training and technical assistance wanted"),
    ],
)
def test_narrative_requires_each_answer_blank_spaces_included(complete_draft, field, label):
    Application.objects.filter(pk=complete_draft.pk).update(**{field: "  \n "})
    assert _missing(complete_draft, "narrative") == [label]


def test_narrative_requires_a_focus_area(complete_draft):
    Application.objects.filter(pk=complete_draft.pk).update(tta_focus_areas=[])
    assert _missing(complete_draft, "narrative") == ["At least one TTA focus area"]


# --- 5. letters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,label",
    [
        ("chief_executive", "Letter from the chief executive"),
        ("agency_head", "Letter from the head of the lead agency"),
    ],
)
def test_letters_require_each_required_signer(complete_draft, kind, label):
    complete_draft.letters.filter(kind=kind).delete()
    assert _missing(complete_draft, "letters") == [label]


def test_letters_from_other_partners_do_not_replace_a_required_one(complete_draft):
    complete_draft.letters.filter(kind="agency_head").update(kind=Letter.Kind.OTHER)
    assert _missing(complete_draft, "letters") == ["Letter from the head of the lead agency"]


# --- 6. certification ----------------------------------------------------------------------


def test_certification_missing_entirely(complete_draft):
    Certification.objects.filter(application=complete_draft).delete()
    assert _missing(complete_draft, "certification") == [
        "Chief legal officer's name, title and email",
        "Signature of the chief legal officer named",
    ]


@pytest.mark.parametrize(
    "attr,label",
    [
        ("clo_name", "Chief legal officer's name"),
        ("clo_title", "Chief legal officer's title"),
        ("clo_email", "Chief legal officer's email"),
    ],
)
def test_certification_requires_each_officer_detail(complete_draft, attr, label):
    Certification.objects.filter(application=complete_draft).update(**{attr: ""})
    assert _missing(complete_draft, "certification") == [label]


def test_certification_requires_the_officers_signature(complete_draft):
    # No current signature (never signed, or superseded): the section is not complete.
    Certification.objects.filter(application=complete_draft).update(signature=None)
    assert _missing(complete_draft, "certification") == [
        "Signature of the chief legal officer named"
    ]


def test_certification_requires_a_decision(complete_draft):
    Certification.objects.filter(application=complete_draft).update(certifies=None)
    assert _missing(complete_draft, "certification") == ["Certify or explain why not"]


def test_not_certifying_requires_an_explanation(complete_draft):
    Certification.objects.filter(application=complete_draft).update(
        certifies=False, typed_signature="", cannot_certify_explanation="   "
    )
    assert _missing(complete_draft, "certification") == [
        "Explanation of why the jurisdiction cannot certify"
    ]


def test_not_certifying_with_an_explanation_is_complete(complete_draft):
    Certification.objects.filter(application=complete_draft).update(
        certifies=False, typed_signature="", cannot_certify_explanation="State law forbids it."
    )
    assert _missing(complete_draft, "certification") == []


# --- 7. ICE questions ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_ice_requires_each_answer(complete_draft, number):
    IceAnswer.objects.filter(application=complete_draft, question_number=number).delete()
    assert _missing(complete_draft, "ice") == [f"Answer to question {number}"]


def test_ice_blank_answer_counts_as_unanswered(complete_draft):
    IceAnswer.objects.filter(application=complete_draft, question_number=2).update(answer="")
    assert _missing(complete_draft, "ice") == ["Answer to question 2"]


@pytest.mark.parametrize("answer", [IceAnswer.Answer.NO, IceAnswer.Answer.NOT_APPLICABLE])
def test_ice_no_or_not_applicable_requires_an_explanation(complete_draft, answer):
    IceAnswer.objects.filter(application=complete_draft, question_number=3).update(
        answer=answer, explanation="  "
    )
    assert _missing(complete_draft, "ice") == ["Explanation for question 3"]


def test_ice_yes_needs_no_explanation(complete_draft):
    IceAnswer.objects.filter(application=complete_draft).update(
        answer=IceAnswer.Answer.YES, explanation=""
    )
    assert _missing(complete_draft, "ice") == []
