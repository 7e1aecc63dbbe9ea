"""The token scope a view needs. Which rows the caller sees is the apps' access functions'."""

from rest_framework.permissions import BasePermission

from .models import ApiToken


def token_has_scope(request, scope: str) -> bool:
    """Session callers hold every scope (the pages' rules still apply); tokens only theirs."""
    token = request.auth
    if isinstance(token, ApiToken):
        return scope in token.scopes
    return True


class HasResourceScope(BasePermission):
    """Signed in, and (for a token) holding the view's `required_scope`."""

    def has_permission(self, request, view):
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True  # a public resource
        if not request.user or not request.user.is_authenticated:
            return False
        if not token_has_scope(request, scope):
            self.message = f"This token does not hold the '{scope}' scope."
            return False
        return True
