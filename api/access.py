"""Who may hold, see and revoke API tokens.

What a token can read is not decided here: the API asks each app's own access
functions with the token's user, so the API never shows more than the pages.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken


def can_hold_tokens(user) -> bool:
    """DOJ staff and liaisons; applicants get no tokens (they use the pages)."""
    return user.is_authenticated and user.is_active and user.has_perm("accounts.open_staff_area")


def can_manage_all_tokens(user) -> bool:
    """Program admins (who manage staff accounts) see and revoke anyone's tokens."""
    return user.is_authenticated and user.has_perm("accounts.manage_staff_accounts")


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    if can_manage_all_tokens(user):
        return ApiToken.objects.all()
    if can_hold_tokens(user):
        return ApiToken.objects.filter(user=user)
    return ApiToken.objects.none()


def get_token_for(user, pk: int) -> ApiToken:
    # 404, not 403: nobody learns which token ids exist outside their scope.
    return get_object_or_404(tokens_visible_to(user).select_related("user"), pk=pk)
