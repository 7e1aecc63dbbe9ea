import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from accounts import roles
from engagements.models import Attachment, Engagement, NarrativeUpdate
from tests.conftest import make_staff
from tests.factories import EngagementFactory, SiteFactory
from tests.uploads import corpus

pytestmark = pytest.mark.django_db

PDF = corpus.pdf_good()  # a real PDF: uploads are parsed (psp_portal.uploads)


@pytest.fixture
def my_site(liaison):
    return SiteFactory(liaison=liaison)


@pytest.fixture
def their_site():
    """A site assigned to another liaison."""
    return SiteFactory(liaison=make_staff(roles.SITE_LIAISON))


def _attachment(engagement):
    attachment = Attachment(
        engagement=engagement, uuid="6f1c1a56-7a4e-4d8e-9f8a-1b2c3d4e5f60",
        original_name="agenda.pdf", content_type="application/pdf", extension=".pdf",
        size_bytes=len(PDF),
    )  # fmt: skip
    attachment.file.save("x", SimpleUploadedFile("agenda.pdf", PDF), save=False)
    attachment.save()
    return attachment


def _write_urls(site, engagement):
    """Every URL that logs or changes engagements, for the given site and engagement."""
    year = datetime.date.today().year
    return [
        reverse("engagements:create", args=[site.pk]),
        reverse("engagements:edit", args=[engagement.pk]),
        reverse("engagements:deliver", args=[engagement.pk]),
        reverse("engagements:cancel", args=[engagement.pk]),
        reverse("engagements:attach", args=[engagement.pk]),
        reverse("engagements:narrative", args=[site.pk, year, 1]),
    ]


def _read_urls(engagement, attachment):
    return [
        reverse("engagements:detail", args=[engagement.pk]),
        reverse("engagements:attachment", args=[engagement.pk, attachment.pk]),
    ]


# --- liaison scoping on every engagement URL -----------------------------------------


def _write_page_headings(engagement):
    """The <h1> each write URL of `_write_urls` shows, in the same order."""
    half = NarrativeUpdate.Half(1).label
    return [
        "<h1>Log an engagement</h1>",
        f"<h1>Edit engagement {engagement.tracking_number}</h1>",
        "<h1>Mark delivered</h1>",
        "<h1>Cancel engagement</h1>",
        "<h1>Attach a file</h1>",
        f"<h1>Narrative update: {half} {datetime.date.today().year}</h1>",
    ]


def _assert_read_pages_show(client, engagement, attachment):
    page = client.get(reverse("engagements:detail", args=[engagement.pk]))
    assert page.status_code == 200
    assert escape(engagement.title) in page.content.decode()
    assert engagement.tracking_number in page.content.decode()
    download = client.get(reverse("engagements:attachment", args=[engagement.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="agenda.pdf"' in download["Content-Disposition"]


def _assert_write_pages_show(client, site, engagement):
    for url, heading in zip(
        _write_urls(site, engagement), _write_page_headings(engagement), strict=True
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert heading in response.content.decode(), url


def test_liaison_opens_every_url_of_an_assigned_site(client, liaison, my_site):
    engagement = EngagementFactory(site=my_site, planned=True)
    attachment = _attachment(engagement)
    client.force_login(liaison)
    _assert_write_pages_show(client, my_site, engagement)
    _assert_read_pages_show(client, engagement, attachment)


def test_liaison_gets_404_on_every_write_url_of_another_site(client, liaison, my_site, their_site):
    engagement = EngagementFactory(site=their_site, planned=True)
    client.force_login(liaison)
    for url in _write_urls(their_site, engagement):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "title": "x"}).status_code == 404, url
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.PLANNED


def test_liaison_reads_other_sites_only_while_the_program_grants_it(client, liaison, their_site):
    engagement = EngagementFactory(site=their_site, delivered=True)
    attachment = _attachment(engagement)
    client.force_login(liaison)
    _assert_read_pages_show(client, engagement, attachment)
    Group.objects.get(name=roles.SITE_LIAISON).permissions.remove(
        Permission.objects.get(codename="view_any_site")
    )
    for url in _read_urls(engagement, attachment):
        assert client.get(url).status_code == 404, url


def test_liaison_loses_write_access_when_reassigned(client, liaison, my_site, program_admin):
    from sites.services import site_assign_liaison

    engagement = EngagementFactory(site=my_site, planned=True)
    site_assign_liaison(site=my_site, liaison=make_staff(roles.SITE_LIAISON), actor=program_admin)
    client.force_login(liaison)
    assert client.get(reverse("engagements:edit", args=[engagement.pk])).status_code == 404


def test_program_admin_logs_for_any_site(client, program_admin, their_site):
    engagement = EngagementFactory(site=their_site, planned=True)
    client.force_login(program_admin)
    _assert_write_pages_show(client, their_site, engagement)


@pytest.mark.parametrize("role", ["reviewer", "selecting_official", "applicant"])
def test_roles_without_logging_permission_get_403(client, request, role, my_site):
    engagement = EngagementFactory(site=my_site, planned=True)
    client.force_login(request.getfixturevalue(role))
    for url in _write_urls(my_site, engagement) + [
        reverse("engagements:import"),
        reverse("engagements:import_template"),
    ]:
        assert client.get(url).status_code == 403, url


def test_reviewer_reads_engagements_read_only(client, reviewer, my_site):
    engagement = EngagementFactory(site=my_site, planned=True, internal_notes="Staff only")
    client.force_login(reviewer)
    response = client.get(reverse("engagements:detail", args=[engagement.pk]))
    assert response.status_code == 200
    assert b"Staff only" in response.content
    assert reverse("engagements:edit", args=[engagement.pk]).encode() not in response.content


def test_applicant_sees_delivered_engagement_without_internal_fields(client, applicant):
    site = SiteFactory(jurisdiction=applicant.jurisdiction)
    delivered = EngagementFactory(site=site, delivered=True, internal_notes="Trainer was late")
    attachment = _attachment(delivered)
    planned = EngagementFactory(site=site, planned=True)
    client.force_login(applicant)
    response = client.get(reverse("engagements:detail", args=[delivered.pk]))
    assert response.status_code == 200
    assert b"Trainer was late" not in response.content
    assert b"agenda.pdf" not in response.content
    assert client.get(reverse("engagements:detail", args=[planned.pk])).status_code == 404
    assert (
        client.get(
            reverse("engagements:attachment", args=[delivered.pk, attachment.pk])
        ).status_code
        == 404
    )


def test_other_applicant_gets_404(client, other_applicant):
    engagement = EngagementFactory(delivered=True)
    client.force_login(other_applicant)
    assert client.get(reverse("engagements:detail", args=[engagement.pk])).status_code == 404


# --- logging through the form -------------------------------------------------------


def _form_data(**changes):
    data = {
        "title": "NIBIN workflow consultation", "type": "technical_assistance",
        "focus_areas": ["gun_violence", "technology"], "provider": "ATF",
        "start_date": "2025-03-04", "end_date": "2025-03-05", "delivery": "hybrid",
        "hours": "6", "participants": "14", "agencies_represented": "3",
        "target_audience": "Crime-gun unit", "status": "delivered", "summary": "Mapped the flow.",
        "outcomes": "", "milestones": "", "internal_notes": "",
        "followups-TOTAL_FORMS": "1", "followups-INITIAL_FORMS": "0",
        "followups-MIN_NUM_FORMS": "0", "followups-MAX_NUM_FORMS": "1000",
        "followups-0-description": "Share the lead-tracking sheet",
        "followups-0-owner": "Sgt. Lee", "followups-0-due_date": "2025-04-01",
    }  # fmt: skip
    data.update(changes)
    return data


def test_liaison_logs_an_engagement_with_follow_ups(client, liaison, my_site):
    client.force_login(liaison)
    response = client.post(reverse("engagements:create", args=[my_site.pk]), _form_data())
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert engagement.site == my_site
    assert engagement.status == Engagement.Status.DELIVERED
    assert engagement.focus_areas == ["gun_violence", "technology"]
    assert engagement.follow_ups.get().owner == "Sgt. Lee"
    assert engagement.created_by == liaison


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2025-03-01"}, "end_date", "before the start date"),
        ({"hours": "-2"}, "hours", "Hours cannot be negative."),
        ({"participants": "-1"}, "participants", "participants cannot be negative"),
        ({"focus_areas": ["astrology"]}, "focus_areas", "astrology is not a PSP focus area."),
        ({"hours": ""}, "hours", "Required for a delivered engagement."),
    ],
)
def test_bad_input_is_refused_with_reason_and_input_kept(
    client, liaison, my_site, changes, field, message
):
    client.force_login(liaison)
    response = client.post(reverse("engagements:create", args=[my_site.pk]), _form_data(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert b"NIBIN workflow consultation" in response.content  # nothing typed is lost
    assert b"Share the lead-tracking sheet" in response.content
    assert not Engagement.objects.exists()


def test_mark_delivered_with_actual_figures(client, liaison, my_site):
    engagement = EngagementFactory(site=my_site, planned=True)
    client.force_login(liaison)
    response = client.post(
        reverse("engagements:deliver", args=[engagement.pk]),
        {"start_date": "2025-03-04", "end_date": "2025-03-04", "hours": "5.5",
         "participants": "22", "agencies_represented": "5", "outcomes": "Drafted SOP."},
    )  # fmt: skip
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.DELIVERED
    assert str(engagement.hours) == "5.5"


def test_cancel_without_reason_is_refused(client, liaison, my_site):
    engagement = EngagementFactory(site=my_site, planned=True)
    client.force_login(liaison)
    url = reverse("engagements:cancel", args=[engagement.pk])
    response = client.post(url, {"reason": "  "})
    assert "Give the reason for cancelling." in response.context["form"].errors["reason"]
    client.post(url, {"reason": "Chief on leave"})
    engagement.refresh_from_db()
    assert (engagement.status, engagement.cancellation_reason) == ("cancelled", "Chief on leave")


def test_attachment_upload_checks_content(client, liaison, my_site):
    engagement = EngagementFactory(site=my_site)
    client.force_login(liaison)
    url = reverse("engagements:attach", args=[engagement.pk])
    response = client.post(url, {"file": SimpleUploadedFile("notes.pdf", b"MZ not a pdf")})
    assert "checked by its content" in response.context["form"].errors["file"][0]
    response = client.post(url, {"file": SimpleUploadedFile("agenda.pdf", PDF)})
    assert response.status_code == 302
    attachment = engagement.attachments.get()
    assert (attachment.content_type, attachment.original_name) == ("application/pdf", "agenda.pdf")
    download = client.get(reverse("engagements:attachment", args=[engagement.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_import_page_lists_bad_rows_and_imports_nothing(
    client, liaison, my_site, django_capture_on_commit_callbacks
):
    client.force_login(liaison)
    template = client.get(reverse("engagements:import_template"))
    header = template.content.decode().strip()
    row = f"{my_site.pk},Visit,site_visit,,BJA,2025-01-02,2025-01-01,on_site,,,,,planned,,,"
    body = f"{header}\n{row}\n99999,Visit,site_visit,,BJA,2025-01-02,2025-01-02,on_site,,,,,planned,,,\n"
    # The import runs in the background (here in-process, after commit); the
    # upload redirects to the job's page, which then shows the result.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("engagements:import"), {"file": SimpleUploadedFile("e.csv", body.encode())}
        )
    assert response.status_code == 302
    response = client.get(response["Location"])
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in content
    assert "end_date is before start_date" in content
    assert "unknown site 99999" in content
    assert not Engagement.objects.exists()


def test_narrative_form_is_prefilled_from_the_log(client, liaison, my_site):
    EngagementFactory(site=my_site, delivered=True, start_date=datetime.date(2025, 2, 3), hours=8)
    client.force_login(liaison)
    url = reverse("engagements:narrative", args=[my_site.pk, 2025, 1])
    response = client.get(url)
    assert response.context["form"].initial["engagements_delivered"] == 1
    assert response.context["form"].initial["hours_delivered"] == 8
    response = client.post(
        url, {"narrative": "Good half.", "engagements_delivered": "1", "hours_delivered": "8"}
    )
    assert response.status_code == 302
    assert NarrativeUpdate.objects.get().narrative == "Good half."


def test_narrative_for_a_future_half_is_404(client, liaison, my_site):
    client.force_login(liaison)
    year = datetime.date.today().year + 1
    assert (
        client.get(reverse("engagements:narrative", args=[my_site.pk, year, 1])).status_code == 404
    )


def test_liaison_marks_a_follow_up_done_from_the_workspace(client, liaison, my_site, their_site):
    from engagements.models import FollowUpAction

    mine = FollowUpAction.objects.create(
        engagement=EngagementFactory(site=my_site), description="Send MOU", owner="Chief",
        due_date=datetime.date(2025, 1, 1),
    )  # fmt: skip
    theirs = FollowUpAction.objects.create(
        engagement=EngagementFactory(site=their_site), description="Other", owner="X",
        due_date=datetime.date(2025, 1, 1),
    )  # fmt: skip
    client.force_login(liaison)
    response = client.post(
        reverse("engagements:follow_up_done", args=[mine.engagement_id, mine.pk]),
        {"next": reverse("sites:workspace")},
    )
    assert response["Location"] == reverse("sites:workspace")
    mine.refresh_from_db()
    assert mine.done and mine.history.latest().history_user == liaison
    url = reverse("engagements:follow_up_done", args=[theirs.engagement_id, theirs.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(
            reverse("engagements:follow_up_done", args=[mine.engagement_id, mine.pk])
        ).status_code
        == 405
    )


def test_narrative_refuses_negative_hours_and_keeps_text(client, liaison, my_site):
    client.force_login(liaison)
    url = reverse("engagements:narrative", args=[my_site.pk, 2025, 2])
    response = client.post(
        url, {"narrative": "Keep this text", "engagements_delivered": "1", "hours_delivered": "-4"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hours_delivered"]
    assert b"Keep this text" in response.content
    assert not NarrativeUpdate.objects.exists()
