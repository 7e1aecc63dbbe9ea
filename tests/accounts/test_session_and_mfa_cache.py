"""The per-request cost of being signed in: session writes and the staff MFA check."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts import middleware
from accounts.mfa import TOTP_SESSION_KEY

pytestmark = pytest.mark.django_db


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_extends_the_session_at_most_once_a_minute(client, applicant, monkeypatch):
    clock = {"now": 1_800_000_000.0}
    monkeypatch.setattr(middleware.time, "time", lambda: clock["now"])
    client.force_login(applicant)
    client.get(reverse("dashboard"))
    first = _expiry(client)

    clock["now"] += 20  # same minute: no write, the expiry stays
    client.get(reverse("dashboard"))
    assert _expiry(client) == first

    clock["now"] += 60  # a minute later: the session is saved, so the idle timeout restarts
    client.get(reverse("dashboard"))
    assert _expiry(client) > first


def test_staff_page_checks_totp_once_per_session(client, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    client.get(reverse("dashboard"))
    assert client.session[TOTP_SESSION_KEY] == reviewer.pk
    with django_assert_max_num_queries(10) as counted:
        client.get(reverse("dashboard"))
    assert not any("mfa_authenticator" in q["sql"] for q in counted.captured_queries)


def test_removing_the_authenticator_sends_staff_back_to_enrolment(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("dashboard")).status_code == 200
    # allauth's own deactivation flow (it asks to confirm the password first).
    client.post(reverse("account_reauthenticate"), {"password": "correct horse battery staple"})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=reviewer, type="totp").exists()
    assert TOTP_SESSION_KEY not in client.session
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
