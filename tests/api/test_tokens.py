"""The "API tokens" page and the token services: who holds, sees and revokes tokens."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import TokenError, api_token_create, api_token_revoke
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db

TOKENS = reverse("api:tokens")


def _form(**overrides):
    data = {
        "name": "Power BI dashboard",
        "scopes": ["sites", "engagements"],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


def test_staff_creates_a_token_shown_once_and_stored_hashed(client, reviewer):
    client.force_login(reviewer)
    response = client.post(TOKENS, _form())
    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("psp_") and secret in response.content.decode()
    # Only the SHA-256 is kept, never the secret itself.
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values_list().get())
    assert token.scopes == ["engagements", "sites"] and token.user == reviewer
    assert token.history.latest().history_user == reviewer
    assert "no-store" in response["Cache-Control"]
    # The next visit lists it without the secret.
    again = client.get(TOKENS)
    assert secret not in again.content.decode() and token.prefix in again.content.decode()


def test_expiry_beyond_one_year_is_refused_next_to_the_field(client, reviewer):
    client.force_login(reviewer)
    too_late = (timezone.localdate() + datetime.timedelta(days=366)).isoformat()
    response = client.post(TOKENS, _form(expires_on=too_late))
    assert response.status_code == 200
    assert response.context["form"].errors["expires_on"][0].startswith("A token lasts at most 365")
    assert not ApiToken.objects.exists()
    # What was typed is kept.
    assert 'value="Power BI dashboard"' in response.content.decode()


def test_expiry_in_the_past_is_refused(client, reviewer):
    client.force_login(reviewer)
    response = client.post(TOKENS, _form(expires_on=timezone.localdate().isoformat()))
    assert "expires_on" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_service_refuses_more_than_a_year_too(reviewer):
    with pytest.raises(TokenError):
        api_token_create(
            user=reviewer,
            name="x",
            scopes=["sites"],
            expires_on=timezone.localdate() + datetime.timedelta(days=400),
            actor=reviewer,
        )


def test_applicant_gets_no_token_page_and_no_token(client, applicant):
    client.force_login(applicant)
    assert client.get(TOKENS).status_code == 403
    assert client.post(TOKENS, _form()).status_code == 403
    with pytest.raises(TokenError):
        make_token(applicant)
    assert not ApiToken.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(TOKENS)
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_see_only_their_own_tokens(client, reviewer, liaison):
    mine, _ = make_token(reviewer)
    theirs, _ = make_token(liaison)
    client.force_login(reviewer)
    tokens = client.get(TOKENS).context["tokens"]
    assert tokens == [mine]


def test_owner_revokes_their_token(client, reviewer):
    token, _ = make_token(reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == reviewer
    assert token.history.latest().history_user == reviewer


def test_other_staff_cannot_revoke_someone_elses_token(client, reviewer, liaison):
    token, _ = make_token(liaison)
    client.force_login(reviewer)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_program_admin_sees_and_revokes_anyones_token(client, program_admin, liaison, reviewer):
    a, _ = make_token(liaison)
    b, _ = make_token(reviewer)
    client.force_login(program_admin)
    response = client.get(TOKENS)
    assert set(response.context["tokens"]) == {a, b}
    assert response.context["sees_all"]
    client.post(reverse("api:token_revoke", args=[a.pk]))
    a.refresh_from_db()
    assert a.revoked_by == program_admin


def test_revoking_twice_keeps_the_first_revocation(reviewer, program_admin):
    token, _ = make_token(reviewer)
    api_token_revoke(token=token, actor=reviewer)
    api_token_revoke(token=token, actor=program_admin)
    token.refresh_from_db()
    assert token.revoked_by == reviewer


def test_navigation_links_the_page_for_staff_only(client, reviewer, applicant):
    client.force_login(reviewer)
    assert TOKENS in client.get(reverse("dashboard")).content.decode()
    client.force_login(applicant)
    assert TOKENS not in client.get(reverse("dashboard")).content.decode()
