"""Creating, revoking and using personal API tokens."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.permissions import load_permissions

from .access import can_hold_tokens
from .models import MAX_LIFETIME_DAYS, ApiToken, ApiTokenUse
from .scopes import Scope

TOKEN_PREFIX = "psp_"
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenError(Exception):
    pass


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user, name: str, scopes: list[str], expires_on: datetime.date, actor
) -> tuple[ApiToken, str]:
    """Create a token for `user` and return it with its secret (shown once, never stored)."""
    if not can_hold_tokens(user):
        raise TokenError("Only DOJ staff and liaisons may hold API tokens.")
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise TokenError("Choose at least one known scope.")
    today = timezone.localdate()
    if not today < expires_on <= today + datetime.timedelta(days=MAX_LIFETIME_DAYS):
        raise TokenError(f"A token expires within {MAX_LIFETIME_DAYS} days, and not today.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.make_aware(
        datetime.datetime.combine(expires_on, datetime.time.max),
        timezone.get_current_timezone(),
    )
    token = ApiToken(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        secret_hash=hash_secret(raw),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    token._history_user = actor
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token for good; later requests with it get 401."""
    # Re-read under a row lock so two revocations record one revoker and one time.
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token._history_user = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_authenticate(*, raw: str, method: str, endpoint: str) -> ApiToken:
    """The active token with this secret, its use logged; TokenError when none is."""
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(raw)).first()
    if token is None:
        raise TokenError("Invalid token.")
    if token.revoked_at is not None:
        raise TokenError("This token has been revoked.")
    now = timezone.now()
    if token.expires_at <= now:
        raise TokenError("This token has expired.")
    load_permissions(token.user)
    if not can_hold_tokens(token.user):
        # The owner left the program or lost the staff role since the token was made.
        raise TokenError("This token's owner may no longer use the API.")
    ApiTokenUse.objects.create(token=token, method=method[:10], endpoint=endpoint[:300], at=now)
    # "Last used" to the minute is enough for its owner; the use log has every request.
    # Writing it at most once a minute saves a query on most calls of a busy client.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A plain UPDATE: no read-modify-write, so concurrent requests cannot conflict.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
