"""`Authorization: Bearer psp_...` for personal API tokens (sessions work as well)."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.audit import security_refusal_record
from accounts.models import SecurityEvent

from .services import TokenError, api_token_authenticate


def _refuse(request, detail: str):
    # Each refusal goes to the audit trail (aggregated, so a client retrying a dead
    # token adds to one row); the token itself is never recorded. The Django request
    # is passed: DRF's request.user would authenticate again.
    security_refusal_record(
        kind=SecurityEvent.Kind.API_TOKEN_REFUSED,
        request=request._request,
        what="API bearer token",
        reason=detail,
    )
    return AuthenticationFailed(detail)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no token: the session (or nobody) authenticates
        if len(parts) != 2:
            raise _refuse(request, "Send 'Authorization: Bearer <token>' with one token.")
        try:
            raw = parts[1].decode("ascii")
            token = api_token_authenticate(
                raw=raw, method=request.method, endpoint=request.get_full_path()
            )
        except (UnicodeDecodeError, TokenError) as exc:
            detail = str(exc) if isinstance(exc, TokenError) else "Invalid token."
            raise _refuse(request, detail) from exc
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with this challenge), not 403, to an unauthenticated call.
        return 'Bearer realm="PSP Portal API"'
