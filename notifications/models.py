"""Outgoing mail, each person's choices about it, and the ledger of reminders sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .kinds import DIGEST, IMMEDIATE, KINDS, OFF


class Email(models.Model):
    """One message to one address. The row, not the Celery message, is the source of truth:
    the delivery task claims it, and the sweeper re-publishes rows whose task was lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        null=True,
        blank=True,  # an invitation goes to an address with no account yet
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("plain-text part"))
    html_body = models.TextField(_("HTML part"))
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # Last time a delivery task was published for this row.
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set when the body held a one-use secret link and was deleted after delivery.
    body_erased = models.BooleanField(_("body erased after delivery"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="email_user_idx"),
            models.Index(fields=["status", "enqueued_at"], name="email_status_idx"),
        ]
        permissions = [("view_mail_log", "Can see the record of mail sent to every person")]

    def __str__(self):
        return f"{self.kind} to {self.to} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind


class NotificationPreference(models.Model):
    """A person's choice for one optional kind. No row means the kind's default (immediate)."""

    class Delivery(models.TextChoices):
        IMMEDIATE = IMMEDIATE, _("Immediately")
        DIGEST = DIGEST, _("Only in my weekly digest")
        OFF = OFF, _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery)
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed it and how (the page, or an unsubscribe link without sign-in).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.delivery}"


class SentReminder(models.Model):
    """Ledger of scheduled mail: who got which reminder, about what, for which day.

    The unique constraint is the guard: a second beat run, a redelivered task or two
    workers at once all try to insert the same row, and only one succeeds and mails.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    kind = models.CharField(_("kind"), max_length=40)
    # What it is about: "application:12", "assignment:7", or "digest".
    subject_key = models.CharField(_("about"), max_length=60)
    # The day the reminder is for, in Eastern Time (a deadline moved later gets new reminders).
    for_date = models.DateField(_("for the day"))
    occasion = models.CharField(_("occasion"), max_length=60, blank=True)
    email = models.ForeignKey(
        Email, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "subject_key", "for_date"], name="reminder_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.subject_key} to {self.user_id} for {self.for_date}"
