"""Refused sign-ins and authenticator codes, written to the audit trail.

The hooks, each calling accounts.audit.security_refusal_record:

- Django's `user_login_failed` signal: a wrong password, or an address without an
  account, on sign-in or re-authentication (allauth authenticates through Django);
- PortalAccountAdapter.pre_authenticate: a sign-in refused by allauth's throttle
  (ACCOUNT_RATE_LIMITS["login_failed"]) before the password is even checked;
- allauth's MFA `authentication_failed` signal: a wrong authenticator code;
- the MFA forms below (MFA_FORMS): a code refused by the MFA throttle.

Only the account concerned (looked up by the address typed, when it exists) is kept.
The password never reaches these functions (Django masks it in the signal; the
adapter passes the address only), and an address that matches no account is not
stored, since people sometimes type their password into the address field.
"""

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django.core.exceptions import ValidationError

from .audit import security_refusal_record
from .models import SecurityEvent, User

THROTTLED = "too_many_login_attempts"  # allauth's error code for a throttled attempt


def _account(email) -> User | None:
    if not isinstance(email, str) or not email.strip():
        return None
    return User.objects.filter(email__iexact=email.strip()).first()


def record_failed_sign_in(sender, credentials=None, request=None, **kwargs) -> None:
    """user_login_failed receiver: who was tried (if an account), from where, why."""
    account = _account((credentials or {}).get("email") or (credentials or {}).get("username"))
    if account is None:
        reason = "no account with that address"
    elif not account.is_active:
        reason = "account deactivated"
    else:
        reason = "wrong password"
    person = getattr(request, "user", None)
    what = "Re-authentication" if person is not None and person.is_authenticated else "Sign-in"
    security_refusal_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        request=request,
        what=what,
        reason=reason,
        account=account,
    )


def record_throttled_sign_in(request, email) -> None:
    """Called by the adapter when allauth's throttle refuses a sign-in attempt."""
    security_refusal_record(
        kind=SecurityEvent.Kind.LOGIN_RATE_LIMITED,
        request=request,
        what="Sign-in",
        reason="refused without checking the password: too many failed attempts "
        "for this account or from this address",
        account=_account(email),
    )


def record_failed_mfa_code(sender, request=None, user=None, authenticator=None, **kwargs):
    """allauth.mfa authentication_failed receiver: a wrong authenticator code."""
    again = " (re-authentication)" if kwargs.get("reauthentication") else ""
    kind = getattr(authenticator, "type", "authenticator")
    security_refusal_record(
        kind=SecurityEvent.Kind.MFA_FAILED,
        request=request,
        what=f"Authenticator code{again}",
        reason=f"wrong {kind} code",
        account=user,
    )


class _RecordsThrottledCode:
    """clean_code of allauth's MFA forms, recording a code refused by the throttle."""

    reauthentication = False

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as exc:
            if exc.code == THROTTLED:
                from allauth.core import context

                again = " (re-authentication)" if self.reauthentication else ""
                security_refusal_record(
                    kind=SecurityEvent.Kind.MFA_FAILED,
                    request=context.request,
                    what=f"Authenticator code{again}",
                    reason="refused without checking: too many wrong codes",
                    account=self.user,
                )
            raise


class MFAAuthenticateForm(_RecordsThrottledCode, AuthenticateForm):
    pass


class MFAReauthenticateForm(_RecordsThrottledCode, ReauthenticateForm):
    reauthentication = True
