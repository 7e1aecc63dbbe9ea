"""Refused sign-ins and authenticator codes are kept in the audit table (SecurityEvent).

Each hook of accounts.signin_audit has a test that fails without it; the flood tests
prove the table grows by at most one row per event and window, and by a bounded number
of rows per kind whatever the number of distinct events (accounts.audit).
"""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from accounts import audit, roles
from accounts.models import SecurityEvent
from tests.accounts.test_throttle import per_account_limit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password
WRONG = "a wrong password, typed in"
IP = "203.0.113.9"


def sign_in(client, email, password):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=IP
    )


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind))


def wrong_code(secret):
    right = int(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    return f"{(right + 1) % 1_000_000:06d}"


def test_a_wrong_password_is_recorded_with_the_account_and_ip_but_never_the_password(client):
    user = UserFactory()
    sign_in(client, user.email, WRONG)
    (event,) = events(SecurityEvent.Kind.LOGIN_FAILED)
    assert event.target_user == user
    assert event.actor is None  # nobody is signed in yet
    assert event.ip == IP
    assert event.detail == "Sign-in: wrong password"
    assert WRONG not in event.detail


def test_an_unknown_address_is_recorded_without_keeping_the_address(client):
    # People type their password into the address field; an address that matches no
    # account is not stored.
    sign_in(client, "Hunter2-secret@example.gov", WRONG)
    (event,) = events(SecurityEvent.Kind.LOGIN_FAILED)
    assert event.target_user is None
    assert event.detail == "Sign-in: no account with that address"
    assert "Hunter2" not in event.detail


def test_a_successful_sign_in_records_nothing(client):
    user = UserFactory()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    assert not SecurityEvent.objects.exists()


def test_a_failed_re_authentication_names_the_signed_in_person(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": WRONG}, REMOTE_ADDR=IP)
    (event,) = events(SecurityEvent.Kind.LOGIN_FAILED)
    assert (event.actor, event.target_user) == (user, user)
    assert event.detail == "Re-authentication: wrong password"


def test_a_sign_in_refused_by_the_throttle_is_recorded_as_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/key"}
    user = UserFactory()
    for _ in range(3):
        sign_in(client, user.email, WRONG)
    assert not events(SecurityEvent.Kind.LOGIN_RATE_LIMITED)
    sign_in(client, user.email, PASSWORD)  # refused although right: the account is locked
    (event,) = events(SecurityEvent.Kind.LOGIN_RATE_LIMITED)
    assert event.target_user == user and event.ip == IP
    assert "too many failed attempts" in event.detail
    assert PASSWORD not in event.detail


@pytest.fixture
def staff_at_code_step(client):
    user = UserFactory(roles=[roles.REVIEWER])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = sign_in(client, user.email, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    return user, secret


def test_a_wrong_authenticator_code_is_recorded(client, staff_at_code_step):
    user, secret = staff_at_code_step
    code = wrong_code(secret)
    client.post(reverse("mfa_authenticate"), {"code": code}, REMOTE_ADDR=IP)
    (event,) = events(SecurityEvent.Kind.MFA_FAILED)
    assert event.target_user == user and event.ip == IP
    assert event.detail == "Authenticator code: wrong totp code"
    assert code not in event.detail


def test_a_code_refused_by_the_mfa_throttle_is_recorded(client, settings, staff_at_code_step):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    user, secret = staff_at_code_step
    for _ in range(3):
        client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)}, REMOTE_ADDR=IP)
    rows = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MFA_FAILED)
    # Two codes checked and wrong; the third refused by the throttle without a check.
    assert {row.detail: row.count for row in rows} == {
        "Authenticator code: wrong totp code": 2,
        "Authenticator code: refused without checking: too many wrong codes": 1,
    }
    assert {(row.target_user, row.ip) for row in rows} == {(user, IP)}


# --- a flood cannot fill the table --------------------------------------------------


def test_repeats_of_one_failure_add_to_one_row(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip"}
    user = UserFactory()
    for _ in range(25):
        sign_in(client, user.email, WRONG)
    (event,) = events(SecurityEvent.Kind.LOGIN_FAILED)
    assert event.count == 25
    assert event.last_at >= event.at


def test_a_guessing_script_under_the_configured_throttle_adds_two_rows(client):
    user = UserFactory()
    limit = per_account_limit()
    for _ in range(25):
        sign_in(client, user.email, WRONG)
    # The throttle locks the account after `limit` failures; every later try is
    # refused unchecked. Each kind keeps one row with its count.
    rows = SecurityEvent.objects.order_by("at")
    assert [(row.kind, row.count) for row in rows] == [
        (SecurityEvent.Kind.LOGIN_FAILED, limit),
        (SecurityEvent.Kind.LOGIN_RATE_LIMITED, 25 - limit),
    ]


def test_a_repeat_after_the_window_starts_a_new_row(client):
    user = UserFactory()
    sign_in(client, user.email, WRONG)
    SecurityEvent.objects.update(at=SecurityEvent.objects.get().at - audit.AGGREGATE_WINDOW)
    sign_in(client, user.email, WRONG)
    assert sorted(e.count for e in events(SecurityEvent.Kind.LOGIN_FAILED)) == [1, 1]


def test_distinct_failures_beyond_the_cap_fold_into_one_overflow_row(client, monkeypatch):
    monkeypatch.setattr(audit, "MAX_ROWS_PER_WINDOW", 3)
    users = UserFactory.create_batch(8)
    for index, user in enumerate(users):
        # Distinct events: each from its own address, so none repeats another.
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": WRONG},
            REMOTE_ADDR=f"198.51.100.{index + 1}",
        )
    rows = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert rows.count() == 4  # three events, then one row counting the rest
    overflow = rows.get(detail=audit.OVERFLOW_DETAIL)
    assert overflow.count == 5
    assert (overflow.target_user, overflow.ip) == (None, None)


def test_refusals_of_an_admin_change_are_not_aggregated(program_admin):
    for _ in range(2):
        audit.security_event_record(
            kind=SecurityEvent.Kind.ADMIN_REFUSED, actor=program_admin, detail="same"
        )
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ADMIN_REFUSED).count() == 2


# --- where staff see them -----------------------------------------------------------


def test_superusers_see_refused_sign_ins_with_their_count_in_the_admin(client):
    user = UserFactory(full_name="Dana Tried")
    for _ in range(3):
        sign_in(client, user.email, WRONG)
    root = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(root, generate_totp_secret())
    client.force_login(root)
    response = client.get(
        reverse("admin:accounts_securityevent_changelist"), {"kind__exact": "login_failed"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<td class="field-kind">Sign-in failed</td>' in page
    assert '<td class="field-target_user nowrap">Dana Tried</td>' in page
    assert '<td class="field-count">3</td>' in page


# --- the API's bearer tokens --------------------------------------------------------


def test_a_refused_api_token_is_recorded_without_the_token(client):
    raw = "psp_not-a-real-token-0123456789"
    for _ in range(3):
        response = client.get(
            reverse("api:site-list"), HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=IP
        )
        assert response.status_code == 401
    (event,) = events(SecurityEvent.Kind.API_TOKEN_REFUSED)
    assert (event.ip, event.count) == (IP, 3)
    assert event.detail == "API bearer token: Invalid token."
    assert raw not in event.detail


def test_a_malformed_authorization_header_is_recorded(client):
    client.get(reverse("api:site-list"), HTTP_AUTHORIZATION="Bearer two parts", REMOTE_ADDR=IP)
    (event,) = events(SecurityEvent.Kind.API_TOKEN_REFUSED)
    assert "with one token" in event.detail
