"""Program admins create DOJ staff accounts; the person sets a password from a mailed link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from accounts.access import has_verified_email
from accounts.models import User
from accounts.services import StaffAccountError, staff_account_create, staff_account_send_welcome
from tests.accounts.html import assert_error_beside_field
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Meadow-copper-58-violin"


def create_via_page(client, django_capture_on_commit_callbacks, **overrides):
    data = {
        "full_name": "Dana Reyes",
        "email": "Dana.Reyes@usdoj.gov",
        "roles": [roles.REVIEWER, roles.SITE_LIAISON],
        **overrides,
    }
    # Run the on-commit callbacks (the welcome mail task, eager in tests).
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:staff_create"), data)


def link_path(message) -> str:
    (url,) = re.findall(r"https?://\S+/password/reset/key/\S+", message.body)
    return re.sub(r"^https?://[^/]+", "", url)


def test_program_admin_creates_a_staff_account_with_the_chosen_roles(
    client, program_admin, django_capture_on_commit_callbacks
):
    client.force_login(program_admin)
    response = create_via_page(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:staff_list")

    user = User.objects.get(email="dana.reyes@usdoj.gov")
    assert user.full_name == "Dana Reyes"
    assert user.role_names == sorted([roles.REVIEWER, roles.SITE_LIAISON])
    assert not user.has_usable_password()
    assert has_verified_email(user)
    # Only program admins get the Django admin flag.
    assert not user.is_staff
    assert user.is_portal_staff


def test_creation_is_recorded_in_the_history_with_the_acting_admin(
    client, program_admin, django_capture_on_commit_callbacks
):
    client.force_login(program_admin)
    create_via_page(client, django_capture_on_commit_callbacks)
    record = User.objects.get(email="dana.reyes@usdoj.gov").history.earliest()
    assert record.history_type == "+"
    assert record.history_user == program_admin


def test_program_admin_role_gets_the_admin_flag(
    client, program_admin, django_capture_on_commit_callbacks
):
    client.force_login(program_admin)
    create_via_page(client, django_capture_on_commit_callbacks, roles=[roles.PROGRAM_ADMIN])
    assert User.objects.get(email="dana.reyes@usdoj.gov").is_staff


def test_the_mailed_link_sets_a_password_and_the_person_can_sign_in(
    client, program_admin, django_capture_on_commit_callbacks
):
    client.force_login(program_admin)
    create_via_page(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana.reyes@usdoj.gov"]
    assert message.subject.startswith("[PSP Portal] ")
    # Absolute, built from SITE_URL: the mail is sent by a worker without a request.
    assert "http://127.0.0.1:8000/accounts/password/reset/key/" in message.body
    client.logout()

    form_page = client.get(link_path(message), follow=True)
    assert form_page.status_code == 200
    set_password_path = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302

    user = User.objects.get(email="dana.reyes@usdoj.gov")
    assert user.has_usable_password()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD}, follow=True
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    # First stop for new staff: enrolling an authenticator app.
    assert any(
        reverse("mfa_activate_totp") in url or "2fa%2Ftotp%2Factivate" in url
        for url, _ in response.redirect_chain
    )


def test_the_link_works_only_once(client, program_admin, django_capture_on_commit_callbacks):
    client.force_login(program_admin)
    create_via_page(client, django_capture_on_commit_callbacks)
    client.logout()
    path = link_path(mail.outbox[0])
    set_password_path = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    response = client.get(path, follow=True)
    # allauth shows its "bad token" page instead of a password form.
    assert "password1" not in response.content.decode()


def test_welcome_mail_is_sent_outside_any_request(django_capture_on_commit_callbacks):
    admin = make_staff(roles.PROGRAM_ADMIN)
    user = staff_account_create(
        email="lee@usdoj.gov", full_name="Lee Park", roles=[roles.REVIEWER], actor=admin
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # delivered after commit
        staff_account_send_welcome(user_id=user.pk)
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_welcome_mail_is_not_sent_again_once_a_password_is_set():
    admin = make_staff(roles.PROGRAM_ADMIN)
    user = staff_account_create(
        email="lee@usdoj.gov", full_name="Lee Park", roles=[roles.REVIEWER], actor=admin
    )
    user.set_password(NEW_PASSWORD)
    user.save()
    mail.outbox.clear()
    staff_account_send_welcome(user_id=user.pk)  # a redelivered task
    assert mail.outbox == []


def test_duplicate_email_is_refused_beside_the_field(
    client, program_admin, reviewer, django_capture_on_commit_callbacks
):
    client.force_login(program_admin)
    response = create_via_page(
        client, django_capture_on_commit_callbacks, email=reviewer.email.upper()
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email address already exists."
    ]
    assert_error_beside_field(
        response.content.decode(), "email", "An account with this email address already exists."
    )
    # What was typed is kept.
    assert "Dana Reyes" in response.content.decode()
    assert mail.outbox == []


def test_the_service_refuses_non_staff_roles():
    admin = make_staff(roles.PROGRAM_ADMIN)
    with pytest.raises(StaffAccountError) as excinfo:
        staff_account_create(
            email="x@usdoj.gov", full_name="X", roles=[roles.APPLICANT], actor=admin
        )
    assert excinfo.value.field == "roles"
    assert not User.objects.filter(email="x@usdoj.gov").exists()


@pytest.mark.parametrize("fixture", ["reviewer", "selecting_official", "liaison", "applicant"])
def test_other_roles_get_403_on_both_staff_pages(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("accounts:staff_list")).status_code == 403
    assert client.get(reverse("accounts:staff_create")).status_code == 403
    data = {"full_name": "Eve", "email": "eve@usdoj.gov", "roles": [roles.PROGRAM_ADMIN]}
    assert client.post(reverse("accounts:staff_create"), data).status_code == 403
    assert not User.objects.filter(email="eve@usdoj.gov").exists()


def test_staff_list_shows_every_staff_account_in_fixed_queries(
    client, program_admin, django_assert_max_num_queries
):
    for role in roles.STAFF_ROLES * 5:
        make_staff(role)
    client.force_login(program_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:staff_list"))
    assert response.status_code == 200
    assert len(response.context["staff"]) == 21
    assert program_admin.email in response.content.decode()


def test_staff_list_leaves_out_applicants(client, program_admin, applicant):
    client.force_login(program_admin)
    response = client.get(reverse("accounts:staff_list"))
    assert applicant.email not in response.content.decode()
