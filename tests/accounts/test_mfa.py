"""Staff must enrol in TOTP before any staff page opens; TOTP is asked at every sign-in."""

import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from accounts import roles
from accounts.mfa import has_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password
STAFF_PAGES = ["/dashboard/", "/staff/accounts/", "/admin/"]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def staff_without_totp(role: str):
    return UserFactory(roles=[role], is_staff=role == roles.PROGRAM_ADMIN)


def enrol(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_without_totp_are_sent_to_enrolment(client, role, path):
    client.force_login(staff_without_totp(role))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_staff_sign_in_then_enrol_through_the_activation_page(client, role):
    user = staff_without_totp(role)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    # Straight from sign-in towards enrolment. allauth asks for the password once
    # more before any MFA change (its reauthentication rule), then the page opens.
    reauthenticate = response.redirect_chain[-1][0]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    assert "next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F" in reauthenticate
    response = client.post(reauthenticate, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]  # what the QR code on the page encodes
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert has_totp(user)
    assert client.get("/dashboard/").status_code == 200


def test_staff_without_totp_can_still_sign_out(client):
    client.force_login(staff_without_totp(roles.REVIEWER))
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# What each role may open once enrolled: the dashboard always; the staff
# accounts page and the admin only for program admins.
EXPECTED_AFTER_ENROLMENT = {
    roles.REVIEWER: {"/dashboard/": 200, "/staff/accounts/": 403, "/admin/": 403},
    roles.SELECTING_OFFICIAL: {"/dashboard/": 200, "/staff/accounts/": 403, "/admin/": 403},
    roles.SITE_LIAISON: {"/dashboard/": 200, "/staff/accounts/": 403, "/admin/": 403},
    roles.PROGRAM_ADMIN: {"/dashboard/": 200, "/staff/accounts/": 200, "/admin/": 200},
}


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_enrolled_staff_open_the_pages_their_role_allows(client, role):
    user = staff_without_totp(role)
    enrol(user)
    client.force_login(user)
    for path, expected in EXPECTED_AFTER_ENROLMENT[role].items():
        response = client.get(path, follow=True)
        assert all(url != reverse("mfa_activate_totp") for url, _ in response.redirect_chain)
        assert response.status_code == expected, (role, path)


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_password_sign_in_with_totp_asks_for_the_code_then_signs_in(client, role):
    user = staff_without_totp(role)
    secret = enrol(user)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone has not signed the person in.
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/")["Location"].startswith(reverse("account_login"))

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(client):
    user = staff_without_totp(roles.REVIEWER)
    secret = enrol(user)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_totp_code_cannot_be_used_twice(client):
    user = staff_without_totp(roles.REVIEWER)
    secret = enrol(user)
    code = current_code(secret)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_applicants_are_not_forced_into_mfa(client, applicant):
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.session["_auth_user_id"] == str(applicant.pk)
    assert client.get("/dashboard/").status_code == 200


def test_the_admin_login_form_cannot_bypass_the_totp_step(client, program_admin):
    # The Django admin's own password-only form is replaced by allauth's sign-in.
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(
        reverse("admin:login"), {"username": program_admin.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
