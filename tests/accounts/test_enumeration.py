"""Issue 14, item 2: sign-up, sign-in, password reset and email change answer the same for
a registered and an unregistered address; the registered owner is mailed instead."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Mail leaves through the notifications service after commit: run those callbacks,
    as the end of the request's transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


PASSWORD = "Harbor-lantern-47-quilt"


def visible_text(response) -> str:
    """The page as a person reads it, with the address typed replaced by EMAIL."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r"[\w.+-]+@[\w.-]+", "EMAIL", html)
    return re.sub(r"\s+", " ", html)


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def test_sign_up_with_a_registered_address_looks_like_a_new_sign_up(client, applicant, mailed):
    with mailed():
        new = sign_up(client, "brand.new@toledo.oh.gov")
    client.logout()
    mail.outbox.clear()
    client.cookies.clear()
    with mailed():
        known = sign_up(client, applicant.email.upper())

    assert known.redirect_chain == new.redirect_chain
    assert known.status_code == new.status_code == 200
    assert visible_text(known) == visible_text(new)
    assert "already registered" not in visible_text(known)
    # No second account; the owner is told by mail that someone tried.
    assert User.objects.filter(email__iexact=applicant.email).count() == 1
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "already" in mail.outbox[0].body.lower()


def test_sign_in_error_is_the_same_for_unknown_and_known_addresses(client, applicant):
    unknown = client.post(
        reverse("account_login"), {"login": "nobody@example.gov", "password": PASSWORD}
    )
    known = client.post(reverse("account_login"), {"login": applicant.email, "password": PASSWORD})
    assert unknown.status_code == known.status_code == 200
    assert unknown.context["form"].errors == known.context["form"].errors
    assert visible_text(unknown) == visible_text(known)


def test_password_reset_answers_the_same_and_mails_only_the_owner(client, applicant, mailed):
    with mailed():
        unknown = client.post(
            reverse("account_reset_password"), {"email": "nobody@example.gov"}, follow=True
        )
    assert mail.outbox == []  # strangers are not mailed on request
    with mailed():
        known = client.post(
            reverse("account_reset_password"), {"email": applicant.email}, follow=True
        )
    assert unknown.redirect_chain == known.redirect_chain
    assert visible_text(unknown) == visible_text(known)
    assert [m.to for m in mail.outbox] == [[applicant.email]]


def test_email_change_to_a_registered_address_looks_like_a_free_one(client, applicant, mailed):
    other = ApplicantFactory()
    client.force_login(applicant)
    free = client.post(
        reverse("account_email"), {"action_add": "", "email": "free@example.gov"}, follow=True
    )
    mail.outbox.clear()
    with mailed():
        taken = client.post(
            reverse("account_email"), {"action_add": "", "email": other.email}, follow=True
        )
    assert taken.redirect_chain == free.redirect_chain
    assert taken.status_code == free.status_code == 200
    assert "already" not in visible_text(taken).replace("already been", "")
    assert not taken.context.get("form") or not taken.context["form"].errors
    # The address stays with its owner (it can never be verified on the second
    # account), and the mail goes to the owner's mailbox, not to the one who asked.
    assert EmailAddress.objects.get(user=other, email=other.email).verified
    assert not EmailAddress.objects.filter(
        user=applicant, email=other.email, verified=True
    ).exists()
    assert [m.to for m in mail.outbox] == [[other.email]]
