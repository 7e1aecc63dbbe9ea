"""Request hardening that applies to every page: proxy trust and response headers."""

import ipaddress

from django.conf import settings

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


class TrustedProxyMiddleware:
    """Drop X-Forwarded-* headers unless the request came from a trusted proxy.

    SECURE_PROXY_SSL_HEADER makes Django believe X-Forwarded-Proto; Django cannot
    tell who sent it. Only the TLS proxy (settings.TRUSTED_PROXIES, addresses or
    networks) may set it; from anyone else the header is removed before
    SecurityMiddleware reads it. First in MIDDLEWARE. See docs/security.md.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = [
            ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES
        ]

    def __call__(self, request):
        if not self._trusted(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


class SecurityHeadersMiddleware:
    """Cache-Control: no-store on every dynamic response, plus a Permissions-Policy.

    Every page after sign-in, every CSV export and every download is private, and
    the sign-in pages carry CSRF tokens: none may sit in a shared or browser cache.
    Static files are served by WhiteNoise before this middleware and keep their
    long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
