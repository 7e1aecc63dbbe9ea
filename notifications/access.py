"""Who may see which mail records."""

from django.db.models import QuerySet

from .models import Email, SentReminder


def can_view_mail_log(user) -> bool:
    return user.is_authenticated and user.has_perm("notifications.view_mail_log")


def emails_visible_to(user) -> QuerySet[Email]:
    """Program admins see every person's mail; everyone else, nothing (the page 404s)."""
    if can_view_mail_log(user):
        return Email.objects.all()
    return Email.objects.none()


def reminders_visible_to(user) -> QuerySet[SentReminder]:
    if can_view_mail_log(user):
        return SentReminder.objects.all()
    return SentReminder.objects.none()
