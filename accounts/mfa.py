from allauth.mfa.models import Authenticator

# Session key under which StaffMFARequiredMiddleware remembers that the user has TOTP.
TOTP_SESSION_KEY = "accounts_totp_enrolled"


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def forget_totp_enrolment(sender, request=None, **kwargs) -> None:
    """authenticator_removed receiver: the next staff page checks the database again."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(TOTP_SESSION_KEY, None)
