"""Who may do what with accounts."""

from allauth.account.models import EmailAddress

from .permissions import granted_permissions


def has_verified_email(user) -> bool:
    """An applicant may draft while unverified but may not submit anything."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def can_manage_staff(user) -> bool:
    return user.has_perm("accounts.manage_staff_accounts")


def permission_ceiling(actor) -> set[str]:
    """The permissions `actor` may hold or hand out: their own, plus every role's if they manage staff.

    A program admin can already create an account with any staff role (staff_create),
    so taking over a reviewer gains nothing new; a superuser is above every ceiling.
    """
    from .roles import ROLE_PERMISSIONS

    ceiling = set(actor.get_all_permissions())
    if actor.has_perm("accounts.manage_staff_accounts"):
        for perms in ROLE_PERMISSIONS.values():
            ceiling |= perms
    return ceiling


def can_administer_user(actor, target) -> bool:
    """May `actor` change `target`'s password, email, active flag, groups or authenticators?

    Never a superuser's unless `actor` is one; never an account holding a permission
    beyond `actor`'s ceiling (so changing its password cannot escalate `actor`).
    """
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    # Active or not: a deactivated program admin still counts as one (ModelBackend would
    # report nothing), or anyone could reactivate and take the account over.
    return granted_permissions(target) <= permission_ceiling(actor)
