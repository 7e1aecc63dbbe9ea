"""Who may do what with accounts."""

from allauth.account.models import EmailAddress


def has_verified_email(user) -> bool:
    """An applicant may draft while unverified but may not submit anything."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def can_manage_staff(user) -> bool:
    return user.has_perm("accounts.manage_staff_accounts")
