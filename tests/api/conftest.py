import datetime

import pytest
from django.utils import timezone

from api.scopes import Scope
from api.services import api_token_create

ALL_SCOPES = list(Scope.values)


def make_token(user, scopes=None, days=30):
    """A token for `user` (all scopes unless given); returns (token, raw secret)."""
    return api_token_create(
        user=user,
        name="Test token",
        scopes=ALL_SCOPES if scopes is None else scopes,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        actor=user,
    )


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def api_get(client):
    """GET with a token (raw secret) or, without one, the client's session."""

    def get(url, raw=None, **extra):
        headers = bearer(raw) if raw else {}
        return client.get(url, **headers, **extra)

    return get


from tests.bench.fixtures import tiny  # noqa: E402,F401  (the bench stage test's data, as in tests/bench)
