"""Applicant self-registration through allauth: sign-up, email verification, sign-in/out, reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts import roles
from accounts.access import has_verified_email
from accounts.models import User
from tests.accounts.html import assert_error_beside_field

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Harbor-lantern-47-quilt"


def sign_up(client, email="new.applicant@toledo.oh.gov", password=GOOD_PASSWORD, **extra):
    # Mail is queued in the request and delivered after commit (notifications app);
    # the test transaction never commits, so run the after-commit callbacks here.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": password, "password2": password, **extra},
        )


def link_in(message) -> str:
    """The only portal link in a mail body, as a path the test client can open."""
    urls = re.findall(r"https?://[^\s]+", message.body)
    assert urls, message.body
    return re.sub(r"^https?://[^/]+", "", urls[0])


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_sign_up_creates_an_applicant_and_mails_a_confirmation_link(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.applicant@toledo.oh.gov")
    assert user.role_names == [roles.APPLICANT]
    assert not user.is_staff and not user.is_superuser
    assert not user.is_portal_staff
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_new_applicant_is_signed_in_only_once_the_link_is_used(client):
    response = sign_up(client)
    user = User.objects.get(email="new.applicant@toledo.oh.gov")
    confirm_path = link_in(mail.outbox[0])
    # Verification is "mandatory" (issue 14: a sign-up must answer the same whether or
    # not the address is registered), so sign-up only says "check your email" ...
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert has_verified_email(user) is False

    # ... and the password alone does not open the portal before confirmation.
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": GOOD_PASSWORD}
    )
    assert signed_in_user_id(client) is None
    assert has_verified_email(user) is False

    # Opening the link shows a confirmation page; the POST confirms (no change on GET,
    # so a mail scanner prefetching links cannot confirm an address).
    assert client.get(confirm_path).status_code == 200
    assert has_verified_email(user) is False
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert has_verified_email(user) is True
    assert EmailAddress.objects.get(user=user).verified
    # Confirming signs the applicant in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_confirmation_link_with_a_wrong_key_confirms_nothing(client):
    sign_up(client)
    user = User.objects.get(email="new.applicant@toledo.oh.gov")
    client.post(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert has_verified_email(user) is False


@pytest.mark.parametrize(
    "password, message",
    [
        ("Sh0rt-pw", "This password is too short. It must contain at least 12 characters."),
        ("qwerty123456", "This password is too common."),
        ("839201746582", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason_beside_the_field(client, password, message):
    response = sign_up(client, password=password)
    assert response.status_code == 200
    assert not User.objects.filter(email="new.applicant@toledo.oh.gov").exists()
    form = response.context["form"]
    assert message in form.errors["password1"]
    assert_error_beside_field(response.content.decode(), "password1", message)
    # What was typed (except the password) is kept.
    assert 'value="new.applicant@toledo.oh.gov"' in response.content.decode()
    assert mail.outbox == []


def test_password_similar_to_the_email_is_refused(client):
    response = sign_up(
        client, email="harbormaster.lantern@toledo.oh.gov", password="harbormaster.lantern"
    )
    assert response.status_code == 200
    assert (
        "The password is too similar to the email address."
        in response.context["form"].errors["password1"]
    )


def test_sign_up_cannot_grant_a_staff_role_or_staff_flags(client):
    admin_group = Group.objects.get(name=roles.PROGRAM_ADMIN)
    sign_up(
        client,
        is_staff="on",
        is_superuser="on",
        groups=[admin_group.pk],
        roles=[roles.PROGRAM_ADMIN],
    )
    user = User.objects.get(email="new.applicant@toledo.oh.gov")
    assert user.role_names == [roles.APPLICANT]
    assert not user.is_staff and not user.is_superuser
    assert not user.has_perm("accounts.open_staff_area")


def test_no_route_lets_an_anonymous_visitor_or_applicant_create_staff(client, applicant):
    data = {"full_name": "Eve", "email": "eve@usdoj.gov", "roles": [roles.PROGRAM_ADMIN]}
    response = client.post(reverse("accounts:staff_create"), data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(applicant)
    assert client.post(reverse("accounts:staff_create"), data).status_code == 403
    # The admin sends a signed-in non-admin to its login, which refuses them.
    assert client.post(reverse("admin:accounts_user_add"), {}, follow=True).status_code == 403
    assert not User.objects.filter(email="eve@usdoj.gov").exists()


def test_duplicate_sign_up_does_not_create_a_second_account(client, applicant):
    sign_up(client, email=applicant.email.upper())
    assert User.objects.filter(email__iexact=applicant.email).count() == 1


def test_sign_out_ends_the_session(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_mails_a_link_that_sets_a_new_password(client, applicant):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": applicant.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    reset_path = link_in(mail.outbox[0])

    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    set_password_path = form_page.redirect_chain[-1][0]
    new_password = "Granite-orchard-93-kettle"
    response = client.post(
        set_password_path, {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302

    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": new_password}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(applicant.pk)


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.gov"})
    # Same answer as for a real account, so addresses cannot be probed.
    assert response.status_code == 302
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)
