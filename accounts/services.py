"""State changes on accounts. Each names the acting user."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import User
from .roles import PROGRAM_ADMIN, STAFF_ROLES


class StaffAccountError(Exception):
    """A staff account cannot be created as asked; `field` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def staff_account_create(*, email: str, full_name: str, roles: list[str], actor: User) -> User:
    """Create a DOJ staff account and mail the person a link to choose a password.

    The account has no usable password until then; MFA enrolment is required at
    first sign-in (StaffMFARequiredMiddleware).
    """
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown or not roles:
        raise StaffAccountError("Choose at least one staff role.", field="roles")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise StaffAccountError("An account with this email address already exists.", field="email")
    # Only program admins reach the Django admin (PortalAdminSite checks the permission too).
    user = User(email=email, full_name=full_name.strip(), is_staff=PROGRAM_ADMIN in roles)
    user.set_unusable_password()
    user._history_user = actor  # the audit row names the admin who created the account
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    # The admin vouches for the address, so it counts as verified.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)

    from .tasks import staff_account_send_welcome_task

    # After commit: the worker must find the user row, and a rolled-back
    # creation must not mail anyone.
    transaction.on_commit(lambda: staff_account_send_welcome_task.delay(user.pk))
    return user


def set_password_url(user: User) -> str:
    """An absolute link to allauth's "set a new password" page, valid until the password changes."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def staff_account_send_welcome(*, user_id: int) -> None:
    """Mail a new staff member the link to choose a password.

    Runs in a worker, with no request: the link is built from SITE_URL and
    allauth's own token, so allauth's reset page accepts it.
    """
    user = User.objects.get(pk=user_id)
    if user.has_usable_password():
        return  # already set up (a redelivered task): the link would be invalid anyway
    context = {
        "user": user,
        "set_password_url": set_password_url(user),
        "site_url": settings.SITE_URL,
        "login_url": settings.SITE_URL + reverse("account_login"),
    }
    subject = render_to_string("accounts/email/staff_welcome_subject.txt", context).strip()
    body = render_to_string("accounts/email/staff_welcome_message.txt", context)
    from notifications.services import email_queue

    email_queue(
        kind="account_security",
        to=user,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        text=body,
    )


def account_name_set(*, user: User, full_name: str, actor: User) -> User:
    """Record the person's full name on their account (audited)."""
    user.full_name = " ".join(full_name.split())
    user._history_user = actor
    user.save(update_fields=["full_name"])
    return user
