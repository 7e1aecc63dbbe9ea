"""Issue 14, item 7: guessable passwords and personal information are refused everywhere."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from tests.factories import ApplicantFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db


def errors_for(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


def test_a_long_but_guessable_password_is_refused_at_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@toledo.oh.gov", "password1": "aaaaaaaaaaaa", "password2": "aaaaaaaaaaaa"},
    )
    assert response.status_code == 200
    assert "This password is too easy to guess" in response.content.decode()
    assert not User.objects.filter(email="new@toledo.oh.gov").exists()


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "Password2026!", "qwertyuiopasdf"])
def test_zxcvbn_score_below_three_is_refused(password):
    assert "password_too_weak" in errors_for(password)


def test_a_strong_passphrase_passes():
    assert errors_for("Harbor-lantern-47-quilt") == []


def test_password_containing_the_email_is_refused():
    user = User(email="dana.whitfield@maplewood.gov")
    assert "password_personal_information" in errors_for("Dana.Whitfield#Kettle-93-orbit", user)


def test_password_containing_the_jurisdictions_name_is_refused():
    jurisdiction = JurisdictionFactory(name="City of Kalamazoo")
    user = ApplicantFactory(jurisdiction=jurisdiction)
    assert "password_personal_information" in errors_for("kalamazoo-Orbit-Kettle-93", user)
    # The generic words of the name ("City of") alone do not count.
    assert "password_personal_information" not in errors_for("City-of-Orbit-Kettle-93!", user)


def test_password_change_applies_the_rules(client):
    jurisdiction = JurisdictionFactory(name="Anniston")
    user = ApplicantFactory(jurisdiction=jurisdiction)
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "correct horse battery staple",
            "password1": "Anniston-orbit-kettle-93",
            "password2": "Anniston-orbit-kettle-93",
        },
    )
    assert response.status_code == 200
    assert "must not contain your email address or your jurisdiction" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct horse battery staple")
