"""Sign-in throttling: allauth counts failed sign-ins per account and per IP (ACCOUNT_RATE_LIMITS)."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password
TOO_MANY = "Too many failed login attempts. Try again later."


def login_failed_limit(kind: str) -> int:
    """The <n> of "<n>/<period>/<kind>" in the login_failed rate, e.g. "10/m/ip,5/5m/key"."""
    rates = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    (rate,) = [rate for rate in rates if rate.endswith(f"/{kind}")]
    return int(rate.split("/")[0])


def per_account_limit() -> int:
    return login_failed_limit("key")


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_the_limit_is_configured_per_account_and_per_ip():
    rates = settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert "/key" in rates and "/ip" in rates
    assert 3 <= per_account_limit() <= 10


def test_repeated_failures_for_one_account_are_refused_even_with_the_right_password(client):
    user = UserFactory()
    limit = per_account_limit()
    for _ in range(limit):
        response = sign_in(client, user.email, "wrong password here")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
        assert "_auth_user_id" not in client.session

    # Past the limit even the right password is refused: a guesser learns nothing.
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert TOO_MANY in response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_the_account_limit_does_not_lock_out_another_account(client):
    target, bystander = UserFactory(), UserFactory()
    for _ in range(per_account_limit() + 1):
        sign_in(client, target.email, "wrong password here")
    response = sign_in(client, bystander.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bystander.pk)


def test_failures_below_the_limit_do_not_block_a_correct_sign_in(client):
    user = UserFactory()
    for _ in range(per_account_limit() - 1):
        sign_in(client, user.email, "wrong password here")
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_many_failures_from_one_ip_across_accounts_are_refused(client):
    # 10 per minute per IP by default: spraying one password over many accounts stops.
    ip_limit = login_failed_limit("ip")
    users = UserFactory.create_batch(ip_limit + 1)
    for user in users[:ip_limit]:
        sign_in(client, user.email, "wrong password here")
    response = sign_in(client, users[-1].email, PASSWORD)
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
