"""Session activity and the MFA requirement for staff."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .mfa import TOTP_SESSION_KEY, has_totp


class SessionActivityMiddleware:
    """Keep an active person's session alive, writing it at most once a minute.

    The idle timeout is SESSION_COOKIE_AGE from the last save. Saving on every
    request (SESSION_SAVE_EVERY_REQUEST) costs three queries per page; marking the
    session once a minute keeps the timeout within a minute for one write a minute.
    Sits after SessionMiddleware, which saves the marked session on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            minute = int(time.time() // 60)
            if session.get("_activity_minute") != minute:
                session["_activity_minute"] = minute
        return response


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
            if not self._enrolled(request):
                messages.warning(
                    request,
                    "DOJ staff accounts must set up an authenticator app before using the portal.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _enrolled(request) -> bool:
        # Remembered in the session: the check would otherwise cost a query on every
        # staff page. Removing the authenticator forgets it (accounts.mfa).
        if request.session.get(TOTP_SESSION_KEY) == request.user.pk:
            return True
        if has_totp(request.user):
            request.session[TOTP_SESSION_KEY] = request.user.pk
            return True
        return False

    @staticmethod
    def _exempt(path: str) -> bool:
        open_prefixes = ("/accounts/", settings.STATIC_URL, "/healthz")
        public_pages = {reverse("home"), reverse("accessibility"), reverse("privacy")}
        return path in public_pages or path.startswith(open_prefixes)


SESSION_STARTED_KEY = "accounts_session_started"


def remember_session_start(sender, request=None, user=None, **kwargs) -> None:
    """user_logged_in receiver: the absolute lifetime counts from here."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())


class SessionLifetimeMiddleware:
    """Sign a person out once the session is older than its absolute lifetime.

    The idle timeout (SESSION_COOKIE_AGE) ends a quiet session; this ends an active
    one too: 12 hours for staff, 24 for applicants (issue 14). A session without a
    start time (signed in before this rule) starts counting now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = int(time.time())
            elif time.time() - started > self._limit(user):
                logout(request)
                messages.info(request, "Your session has ended. Please sign in again.")
                return redirect_to_login(request.get_full_path(), reverse("account_login"))
        return self.get_response(request)

    @staticmethod
    def _limit(user) -> int:
        if user.is_superuser or user.is_portal_staff:
            return settings.SESSION_ABSOLUTE_AGE_STAFF
        return settings.SESSION_ABSOLUTE_AGE
