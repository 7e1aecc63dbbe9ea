"""Who may open which SOI page: other jurisdictions 404, roles lacking permission 403."""

import pytest
from django.urls import reverse

from applications.access import applications_visible_to
from tests.factories import ApplicantFactory, ApplicationFactory

pytestmark = pytest.mark.django_db


def applicant_urls(application):
    letter = application.letters.first()
    return [
        ("get", reverse("applications:detail", args=[application.pk])),
        *[
            ("get", reverse("applications:section", args=[application.pk, s]))
            for s in ("profile", "contacts", "crime", "narrative", "certification", "ice")
        ],
        ("post", reverse("applications:section", args=[application.pk, "profile"])),
        ("get", reverse("applications:letters", args=[application.pk])),
        ("post", reverse("applications:letters", args=[application.pk])),
        ("get", reverse("applications:letter_download", args=[application.pk, letter.pk])),
        ("post", reverse("applications:letter_delete", args=[application.pk, letter.pk])),
        ("get", reverse("applications:review", args=[application.pk])),
        ("post", reverse("applications:submit", args=[application.pk])),
        ("get", reverse("applications:withdraw", args=[application.pk])),
        ("post", reverse("applications:withdraw", args=[application.pk])),
    ]


def test_other_jurisdiction_gets_404_on_every_applicant_url(
    client, other_applicant, cycle, applicant
):
    draft = ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )
    submitted = ApplicationFactory(
        jurisdiction=applicant.jurisdiction, created_by=applicant, submitted=True
    )
    client.force_login(other_applicant)
    tried = []
    for application in (draft, submitted):
        for method, url in applicant_urls(application):
            response = getattr(client, method)(url)
            tried.append((method, url, response.status_code))
    unexpected = [t for t in tried if t[2] != 404]
    print(f"other-jurisdiction attempts: {len(tried)}, unexpected: {len(unexpected)}")
    assert unexpected == []


def test_own_applicant_can_open_every_page(client, applicant, complete_draft):
    client.force_login(applicant)
    for method, url in applicant_urls(complete_draft):
        if method == "get" and "withdraw" not in url:  # a draft cannot be withdrawn (403)
            assert client.get(url).status_code == 200, url
    withdraw = reverse("applications:withdraw", args=[complete_draft.pk])
    assert client.get(withdraw).status_code == 403


def test_reviewer_sees_assigned_submitted_not_drafts_or_unassigned(reviewer, draft, submitted):
    from tests.reviews.factories import assign

    unassigned = ApplicationFactory(submitted=True)
    assign(submitted, reviewer)
    visible = set(applications_visible_to(reviewer))
    assert submitted in visible
    assert draft not in visible and unassigned not in visible


def test_reviewer_reads_submitted_detail_with_history(client, reviewer, applicant, cycle):
    from applications.factories_support import sign_as_officer
    from applications.services import application_section_save, application_submit

    application = ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )
    application_section_save(
        application=application,
        section="profile",
        data={"population": 280000},
        loaded_version=None,
        actor=applicant,
    )
    # The edit superseded the officer's signature: the officer signs the new version.
    sign_as_officer(application)
    application_submit(application=application, actor=applicant, ip=None, attested=True)
    from tests.reviews.factories import assign

    assign(application, reviewer)  # reviewers read only what is assigned to them
    client.force_login(reviewer)
    response = client.get(reverse("applications:detail", args=[application.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h2>History</h2>" in html
    # The audit rows name the person who saved and submitted.
    assert html.count(str(applicant)) >= 2
    assert "population" in html


@pytest.mark.parametrize("role", ["selecting_official", "program_admin"])
def test_other_read_roles_see_submitted(client, request, role, submitted, draft):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Statement of Interest {submitted.reference_number}</h1>" in html
    assert "<h2>History</h2>" in html  # staff read the audit trail
    assert "Continue filling in" not in html and ">Withdraw<" not in html
    listed = client.get(reverse("applications:list"))
    assert listed.status_code == 200
    assert "<h1>Submitted Statements of Interest</h1>" in listed.content.decode()
    assert submitted.reference_number in listed.content.decode()
    assert draft not in listed.context["applications"]


def test_liaison_has_no_access_to_sois(client, liaison, submitted):
    client.force_login(liaison)
    assert client.get(reverse("applications:detail", args=[submitted.pk])).status_code == 404
    assert client.get(reverse("applications:list")).status_code == 403
    assert client.get(reverse("applications:mine")).status_code == 403


def test_reviewer_gets_404_for_a_draft(client, reviewer, draft):
    client.force_login(reviewer)
    assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_reviewer_cannot_edit_a_section(client, reviewer, submitted):
    # Staff read; only the jurisdiction's applicants edit (and only drafts).
    client.force_login(reviewer)
    response = client.get(reverse("applications:section", args=[submitted.pk, "profile"]))
    assert response.status_code == 404


def test_applicant_does_not_see_history(client, applicant, submitted):
    client.force_login(applicant)
    response = client.get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Statement of Interest {submitted.reference_number}</h1>" in html
    assert "<h2>History</h2>" not in html
    # Their own submitted SOI: the applicant-facing status and the withdraw button.
    assert '<span class="usa-tag">Submitted</span>' in html
    assert ">Withdraw<" in html


def test_staff_cannot_open_applicant_dashboard(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("applications:mine")).status_code == 403


def test_applicant_cannot_open_staff_list(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("applications:list")).status_code == 403


def test_staff_list_allowed_for_reviewer_and_fixed_queries(
    client, reviewer, django_assert_max_num_queries
):
    from tests.reviews.factories import assign

    for _ in range(3):
        assign(ApplicationFactory(submitted=True), reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12) as few:
        response = client.get(reverse("applications:list"))
    assert response.status_code == 200
    for _ in range(10):
        assign(ApplicationFactory(submitted=True), reviewer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("applications:list"))
    assert response.content.count(b"PSP-2026-") >= 13


def test_dashboard_fixed_queries(client, applicant, cycle, django_assert_max_num_queries):
    ApplicationFactory(cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant)
    client.force_login(applicant)
    with django_assert_max_num_queries(15) as few:
        assert client.get(reverse("applications:mine")).status_code == 200
    for _ in range(5):
        ApplicationFactory(
            jurisdiction=applicant.jurisdiction, created_by=applicant, submitted=True
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("applications:mine"))
    assert response.content.count(b"PSP-2026-") == 5


def test_anonymous_redirected_to_sign_in(client, draft):
    response = client.get(reverse("applications:detail", args=[draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_colleague_of_same_jurisdiction_can_edit(client, draft):
    colleague = ApplicantFactory(jurisdiction=draft.jurisdiction)
    client.force_login(colleague)
    response = client.post(
        reverse("applications:section", args=[draft.pk, "profile"]),
        {"version": draft.version, "population": "10"},
    )
    assert response.status_code == 302


def test_official_who_sees_every_soi_never_sees_drafts(client, selecting_official, program_admin):
    # Issue 13: removing the draft filter from applications_visible_to passed the suite.
    draft = ApplicationFactory(complete=True)
    filed = ApplicationFactory(submitted=True)
    for official in (selecting_official, program_admin):
        assert official.has_perm("applications.view_all_applications")
        assert list(applications_visible_to(official)) == [filed]
        client.force_login(official)
        assert client.get(reverse("applications:detail", args=[draft.pk])).status_code == 404
        listed = client.get(reverse("applications:list")).context["applications"]
        assert draft not in listed and filed in listed


def test_staff_soi_list_searches_filters_and_pages(client, selecting_official):
    # Issue 13 item 12.
    from tests.factories import CycleFactory, JurisdictionFactory

    toledo = ApplicationFactory(submitted=True, jurisdiction=JurisdictionFactory(name="Toledo"))
    other_cycle = CycleFactory()
    later = ApplicationFactory(submitted=True, cycle=other_cycle)
    client.force_login(selecting_official)
    url = reverse("applications:list")
    assert list(client.get(url, {"q": "toled"}).context["applications"]) == [toledo]
    by_ref = client.get(url, {"q": later.reference_number}).context["applications"]
    assert list(by_ref) == [later]
    assert list(client.get(url, {"cycle": other_cycle.pk}).context["applications"]) == [later]
    ApplicationFactory.create_batch(25, submitted=True, cycle=other_cycle)
    first = client.get(url)
    assert len(first.context["applications"]) == 25 and first.context["page"].has_next()
    assert 'name="q"' in first.content.decode()
