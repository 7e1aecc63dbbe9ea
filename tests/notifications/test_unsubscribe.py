"""One-click unsubscribe: signed, works without sign-in, turns off only that kind."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import NotificationPreference
from notifications.services import email_queue, unsubscribe_token

pytestmark = pytest.mark.django_db


def mailed_unsubscribe_path(applicant, deliver, settings):
    settings.SITE_URL = "https://psp.example.gov"
    with deliver():
        email_queue(kind="deadline_reminder", to=applicant, subject="Reminder", text="Due soon.")
    message = mail.outbox[-1]
    header = message.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<(https://psp\.example\.gov(/notifications/unsubscribe/[^>]+))>", header)
    assert url, header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.group(1) in message.body  # the same link in the footer
    return url.group(2)


def test_optional_mail_carries_the_link_and_both_headers(applicant, deliver, settings):
    mailed_unsubscribe_path(applicant, deliver, settings)


def test_opening_the_link_changes_nothing_until_confirmed(client, applicant, deliver, settings):
    path = mailed_unsubscribe_path(applicant, deliver, settings)
    response = client.get(path)
    assert response.status_code == 200
    assert "Turn off these emails" in response.content.decode()
    # A link scanner following the GET must not unsubscribe anyone.
    assert not NotificationPreference.objects.exists()


def test_one_click_post_without_sign_in_turns_off_only_that_kind(
    client, applicant, deliver, settings
):
    path = mailed_unsubscribe_path(applicant, deliver, settings)
    # What a mail client sends (RFC 8058): no session, no CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    prefs = dict(
        NotificationPreference.objects.filter(user=applicant).values_list("kind", "delivery")
    )
    assert prefs == {"deadline_reminder": "off"}
    history = NotificationPreference.objects.get().history.latest()
    assert history.history_user == applicant
    with deliver():
        assert email_queue(kind="deadline_reminder", to=applicant, subject="s", text="t") is None
        assert email_queue(kind="decision", to=applicant, subject="Decision", text="t")
    assert mail.outbox[-1].subject == "Decision"


def test_a_tampered_token_is_404(client, applicant):
    token = unsubscribe_token(applicant, "deadline_reminder")
    response = client.post(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()


def test_a_token_signed_with_another_salt_is_404(client, applicant):
    from django.core import signing

    forged = signing.dumps({"u": applicant.pk, "k": "deadline_reminder"})
    assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404


def test_a_token_for_required_mail_is_404(client, applicant):
    token = unsubscribe_token(applicant, "decision")
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    assert not NotificationPreference.objects.exists()
