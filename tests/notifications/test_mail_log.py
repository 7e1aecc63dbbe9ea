"""The record of sent mail, per person, for program admins only."""

import pytest
from django.urls import reverse

from notifications.models import Email, SentReminder
from notifications.services import email_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_mail(applicant):
    email_queue(kind="soi_receipt", to=applicant, subject="Received PSP-1", text="t")
    email_queue(kind="invitation", to="colleague@example.gov", subject="Invited", text="t")
    SentReminder.objects.create(
        user=applicant, kind="deadline_reminder", subject_key="application:1", for_date="2026-04-15",
        occasion="3 days before the cycle closes",
    )  # fmt: skip
    return applicant


@pytest.mark.parametrize("fixture", ["applicant", "reviewer", "selecting_official", "liaison"])
def test_other_roles_get_404(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("notifications:mail_log")).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("notifications:mail_log")).status_code == 302


def test_program_admin_sees_each_persons_mail_and_reminders(client, program_admin, some_mail):
    client.force_login(program_admin)
    response = client.get(reverse("notifications:mail_log"), {"q": some_mail.email})
    assert response.status_code == 200
    assert [e.subject for e in response.context["page"]] == ["Received PSP-1"]
    assert [r.occasion for r in response.context["reminders"]] == ["3 days before the cycle closes"]
    html = response.content.decode()
    assert "Received PSP-1" in html and "Invited" not in html


def test_filters_by_kind_and_status(client, program_admin, some_mail):
    client.force_login(program_admin)
    response = client.get(reverse("notifications:mail_log"), {"kind": "invitation"})
    assert [e.to for e in response.context["page"]] == ["colleague@example.gov"]
    response = client.get(reverse("notifications:mail_log"), {"status": "sent"})
    assert list(response.context["page"]) == []


def _count_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("notifications:mail_log")).status_code == 200
    return len(ctx)


def add_mail(n):
    for i in range(n):
        user = UserFactory()
        Email.objects.create(
            kind="soi_receipt", user=user, to=user.email, subject=f"S{i}", text_body="t"
        )
        SentReminder.objects.create(
            user=user, kind="liaison_digest", subject_key="digest", for_date="2026-06-09"
        )


def test_mail_log_runs_the_same_queries_whatever_the_volume(client, program_admin):
    client.force_login(program_admin)
    add_mail(1)
    _count_queries(client)  # warm the session and permission caches
    few = _count_queries(client)
    add_mail(40)
    assert _count_queries(client) == few <= 12
