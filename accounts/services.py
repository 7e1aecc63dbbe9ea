"""State changes on accounts. Each names the acting user."""

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import STAFF_ROLES


class StaffAccountError(Exception):
    pass


@transaction.atomic
def staff_account_create(*, email: str, full_name: str, roles: list[str], actor: User) -> User:
    """Create a DOJ staff account and mail the person a link to choose a password.

    The account has no usable password until then; MFA enrolment is required at
    first sign-in (StaffMFARequiredMiddleware).
    """
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown or not roles:
        raise StaffAccountError("Choose at least one staff role.")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise StaffAccountError("An account with this email address already exists.")
    user = User(email=email, full_name=full_name.strip(), is_staff="Program admin" in roles)
    user.set_unusable_password()
    user._history_user = actor
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    # The admin vouches for the address, so it counts as verified.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    transaction.on_commit(lambda: _send_set_password_link(email))
    return user


def _send_set_password_link(email: str) -> None:
    # allauth's own reset flow sends the link; reusing it keeps one code path for passwords.
    form = ResetPasswordForm(data={"email": email})
    if form.is_valid():
        form.save(request=None)
