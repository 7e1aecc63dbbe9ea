"""Sign-up in the "certifying official" capacity: an account that holds no role.

A chief legal officer who opens a signing link while signed out is sent to sign up.
That account exists only to sign the certification it was asked for (its access comes
from the signing request it opens, see applications.access), so self-registration
must not give it the Applicant role every other sign-up gets: it could otherwise start
a Statement of Interest of its own. The link page (applications) marks the session
with the address the link was sent to; the account adapter reads the mark when the
account is created. Only an account with that exact address is affected.
"""

SESSION_KEY = "psp_certifying_official_email"


def expect_certifying_official_signup(request, *, email: str) -> None:
    """The signed-out visitor holds a signing link sent to `email`."""
    request.session[SESSION_KEY] = email.strip().lower()


def is_certifying_official_signup(request, *, email: str) -> bool:
    """Is this sign-up the officer's, through the link sent to this very address?"""
    session = getattr(request, "session", None)
    if session is None or not email:
        return False
    return session.get(SESSION_KEY, "") == email.strip().lower()
