"""Cycle and national-rate administration: program admins only."""

import pytest
from django.urls import reverse

from applications.models import Cycle, NationalCrimeRate
from applications.services import ApplicationError, cycle_save
from tests.factories import ApplicationFactory, NationalCrimeRateFactory

pytestmark = pytest.mark.django_db

ADMIN_URLS = ["applications:cycle_list", "applications:cycle_create", "applications:rate_create"]


ADMIN_HEADINGS = {
    "applications:cycle_list": "<h1>Application cycles</h1>",
    "applications:cycle_create": "<h1>New cycle</h1>",
    "applications:rate_create": "<h1>New national rate</h1>",
}


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_program_admin_opens_cycle_pages(client, program_admin, name):
    client.force_login(program_admin)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert ADMIN_HEADINGS[name] in response.content.decode()


@pytest.mark.parametrize("name", ADMIN_URLS)
@pytest.mark.parametrize("role", ["applicant", "reviewer", "selecting_official", "liaison"])
def test_other_roles_refused_on_cycle_pages(client, request, name, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 403


def test_program_admin_creates_cycle_in_eastern_time(client, program_admin):
    from applications.factories_support import certification_text_v1, question_set_v1

    rate = NationalCrimeRateFactory()
    client.force_login(program_admin)
    response = client.post(
        reverse("applications:cycle_create"),
        {
            "name": "PSP 2027",
            "year": "2027",
            "opens_at": "2027-02-25 09:00",
            "closes_at": "2027-04-18 23:59",
            "national_rate": rate.pk,
            "certification_text": certification_text_v1().pk,
            "question_set": question_set_v1().pk,
            "population_min": "50000",
            "population_max": "",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="PSP 2027")
    # 23:59 Eastern Daylight Time is 03:59 UTC the next day.
    assert cycle.closes_at.isoformat() == "2027-04-19T03:59:00+00:00"
    assert cycle.history.latest().history_user == program_admin


def test_cycle_deadline_must_follow_opening(client, program_admin):
    rate = NationalCrimeRateFactory()
    client.force_login(program_admin)
    response = client.post(
        reverse("applications:cycle_create"),
        {
            "name": "Bad",
            "year": "2027",
            "opens_at": "2027-04-18 09:00",
            "closes_at": "2027-02-01 09:00",
            "national_rate": rate.pk,
        },
    )
    assert "The deadline must be after the opening time." in response.content.decode()


def test_program_admin_records_national_rate(client, program_admin):
    client.force_login(program_admin)
    response = client.post(
        reverse("applications:rate_create"),
        {
            "year": "2019",
            "rate": "366.7",
            "source_edition": "CIUS 2019 (first published)",
        },
    )
    assert response.status_code == 302
    rate = NationalCrimeRate.objects.get(year=2019)
    assert str(rate.rate) == "366.7"
    assert rate.history.latest().history_user == program_admin


@pytest.mark.parametrize("bad", ["-359.1", "0"])
def test_national_rate_of_zero_or_less_refused_beside_the_field(client, program_admin, bad):
    client.force_login(program_admin)
    response = client.post(
        reverse("applications:rate_create"),
        {"year": "2019", "rate": bad, "source_edition": "CIUS 2019 (first published)"},
    )
    assert response.status_code == 200
    assert "A national rate is more than zero." in response.content.decode()
    assert response.context["form"].data["rate"] == bad  # what was typed is kept
    assert not NationalCrimeRate.objects.filter(year=2019).exists()


def test_cycle_texts_frozen_once_used(program_admin, draft):
    from applications.services import certification_text_create

    cycle = draft.cycle
    cycle.certification_text = certification_text_create(
        version="2027-01", text="New text", effective_date="2027-01-01", actor=program_admin
    )
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        cycle_save(cycle=cycle, actor=program_admin)


def test_versioned_texts_hash_their_content(program_admin):
    import hashlib

    from applications.factories_support import certification_text_v1, question_set_v1
    from applications.texts import CERTIFICATION_V1

    assert certification_text_v1().sha256 == hashlib.sha256(CERTIFICATION_V1.encode()).hexdigest()
    assert len(question_set_v1().sha256) == 64


def test_seeded_texts_match_the_domain_wording(db):
    # The 0003 migration seeds version 2017-08 (pytest-django runs plain tests before
    # transactional ones, so the seeded rows are still there).
    from applications.models import CertificationText, IceQuestionSet
    from applications.texts import CERTIFICATION_V1, ICE_QUESTIONS_V1

    qs = IceQuestionSet.objects.get(version="2017-08")
    assert [t for _, t in qs.questions] == ICE_QUESTIONS_V1
    assert qs.sha256 == qs.compute_sha256()
    # DOJ wording of 3 August 2017 (DOMAIN.md), checked against an independent copy.
    assert ICE_QUESTIONS_V1[2] == (
        "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is "
        "designed to ensure that your correctional and detention facilities will honor a written "
        "request from DHS to hold a foreign national for up to 48 hours beyond the scheduled "
        "release date, in order to permit DHS to take custody of the foreign national?"
    )
    cert = CertificationText.objects.get(version="2017-08")
    assert cert.text == CERTIFICATION_V1
    assert cert.sha256 == cert.compute_sha256()
    for phrase in (
        "chief legal officer of the jurisdiction",
        "with authority to certify",
        "have reviewed 8 U.S.C. 1373(a) and (b)",
        "the jurisdiction complies with 8 U.S.C. 1373",
        "material representation of fact",
        "under penalty of perjury",
    ):
        assert phrase in cert.text


def test_applicant_sees_no_cycle_nav_but_admin_does(client, program_admin, applicant):
    from accounts.navigation import navigation_for

    assert "Cycles" in [i.label for i in navigation_for(program_admin)]
    assert "Cycles" not in [i.label for i in navigation_for(applicant)]
    assert "My Statements of Interest" in [i.label for i in navigation_for(applicant)]


def test_rate_edit_allowed_only_for_program_admin(client, program_admin, reviewer):
    rate = NationalCrimeRateFactory()
    client.force_login(reviewer)
    assert client.get(reverse("applications:rate_edit", args=[rate.pk])).status_code == 403
    client.force_login(program_admin)
    response = client.get(reverse("applications:rate_edit", args=[rate.pk]))
    assert response.status_code == 200
    assert f"<h1>Edit national rate {rate.year}</h1>" in response.content.decode()
    application = ApplicationFactory()  # cycles list still renders with data
    response = client.get(reverse("applications:cycle_list"))
    assert response.status_code == 200
    assert application.cycle.name in response.content.decode()


def test_cycle_list_fixed_queries(client, program_admin, django_assert_max_num_queries):
    from tests.factories import CycleFactory

    CycleFactory()
    client.force_login(program_admin)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("applications:cycle_list")).status_code == 200
    for year in range(2010, 2015):
        CycleFactory(national_rate=NationalCrimeRateFactory(year=year))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("applications:cycle_list"))
    assert response.content.count(b"PSP 2026 cycle") == 6


def test_django_admin_refuses_text_change_once_used(client, program_admin, draft):
    from applications.admin import CycleAdminForm
    from applications.services import certification_text_create

    new_text = certification_text_create(
        version="2027-02", text="Other", effective_date="2027-01-01", actor=program_admin
    )
    cycle = draft.cycle
    data = {
        "name": cycle.name,
        "year": cycle.year,
        "opens_at_0": "2026-01-01",
        "opens_at_1": "00:00",
        "closes_at_0": "2030-01-01",
        "closes_at_1": "00:00",
        "national_rate": cycle.national_rate_id,
        "certification_text": new_text.pk,
        "question_set": cycle.question_set_id,
    }
    form = CycleAdminForm(
        data={**data, "opens_at": "2026-01-01 00:00", "closes_at": "2030-01-01 00:00"},
        instance=cycle,
    )
    assert not form.is_valid()
    assert "can no longer be changed" in str(form.errors)


def test_crime_years_are_the_three_full_years_before_the_cycle_opens():
    import datetime
    from zoneinfo import ZoneInfo

    from applications.models import Cycle

    eastern = ZoneInfo("America/New_York")
    # A "2027" cycle announced in November 2026: 2026 is not a full year of data yet.
    cycle = Cycle(year=2027, opens_at=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=eastern))
    assert cycle.crime_years == [2023, 2024, 2025]
    # The 2019 cycle opened on 25 February 2019 and asked for 2016-2018.
    cycle = Cycle(year=2019, opens_at=datetime.datetime(2019, 2, 25, 9, 0, tzinfo=eastern))
    assert cycle.crime_years == [2016, 2017, 2018]


@pytest.mark.parametrize("model", ["certificationtext", "icequestionset"])
def test_django_admin_creates_a_text_version_hashed_and_attributed(client, program_admin, model):
    from django.contrib.auth.models import Permission

    from applications.models import CertificationText, IceQuestionSet

    program_admin.user_permissions.add(
        Permission.objects.get(codename=f"add_{model}", content_type__app_label="applications")
    )
    client.force_login(program_admin)
    fields = (
        {"text": "I certify."}
        if model == "certificationtext"
        else {"question_1": "One?", "question_2": "Two?", "question_3": "Three?"}
    )
    response = client.post(
        reverse(f"admin:applications_{model}_add"),
        {"version": "2031-01", "effective_date": "2031-01-01", **fields},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    text = {"certificationtext": CertificationText, "icequestionset": IceQuestionSet}[model]
    saved = text.objects.get(version="2031-01")
    # What the service does: the digest of exactly this text, and an audit row naming the admin.
    assert saved.sha256 == saved.compute_sha256() and len(saved.sha256) == 64
    assert saved.history.get().history_user == program_admin


def test_cycle_form_sets_the_number_of_sites_only_when_creating(db):
    # Issue 13 item 5: afterwards it changes on the slate, with a reason (reviews.services).
    from applications.forms import CycleForm
    from tests.factories import CycleFactory

    assert not CycleForm().fields["max_sites"].disabled
    assert CycleForm(instance=CycleFactory()).fields["max_sites"].disabled


@pytest.mark.parametrize("model", ["certificationtext", "icequestionset"])
def test_django_admin_deletes_an_unused_text_only_with_the_delete_permission(
    client, program_admin, model
):
    from django.contrib.auth.models import Permission

    from applications.services.cycles import certification_text_create, question_set_create

    if model == "certificationtext":
        unused = certification_text_create(
            version="2031-01", text="Unused.", effective_date="2031-01-01", actor=program_admin
        )
    else:
        unused = question_set_create(
            version="2031-01",
            questions=["One?", "Two?", "Three?"],
            effective_date="2031-01-01",
            actor=program_admin,
        )
    client.force_login(program_admin)
    url = reverse(f"admin:applications_{model}_delete", args=[unused.pk])
    # A program admin holds no delete permission on the signed texts: refused, text kept.
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert type(unused).objects.filter(pk=unused.pk).exists()
    program_admin.user_permissions.add(
        Permission.objects.get(codename=f"delete_{model}", content_type__app_label="applications")
    )
    client.force_login(program_admin)
    assert client.get(url).status_code == 200
