"""Staff must enrol in multi-factor authentication before any staff page opens."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .mfa import has_totp


class StaffMFARequiredMiddleware:
    """Send a signed-in DOJ staff member without TOTP to the enrolment page.

    Only the account pages (where enrolment and sign-out happen), the public
    home page, static files and the health check stay open, so no staff page
    can be reached with a password alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_portal_staff and not self._exempt(request.path):
            if not has_totp(user):
                messages.warning(
                    request,
                    "DOJ staff accounts must set up an authenticator app before using the portal.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        open_prefixes = ("/accounts/", settings.STATIC_URL, "/healthz")
        public_pages = {reverse("home"), reverse("accessibility"), reverse("privacy")}
        return path in public_pages or path.startswith(open_prefixes)
