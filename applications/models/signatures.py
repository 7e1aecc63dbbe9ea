"""The chief legal officer's signing request for the Section 1373 certification.

The applicant names the officer and sends a request; the officer receives a single-use,
expiring link, signs in (or signs up) with that exact, verified address, and signs as
themselves. Opening the link attaches the officer's account to this one request (the
"certifying official" capacity): it opens the certification page and the read-only
summary of this SOI, and nothing else of the jurisdiction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .application import Application
from .cycles import CertificationText

SIGNING_LINK_DAYS = 7


def default_expiry():
    return timezone.now() + timedelta(days=SIGNING_LINK_DAYS)


class SignatureRequest(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")
        SUPERSEDED = "superseded", _("Superseded by a later edit")
        CANCELLED = "cancelled", _("Cancelled")
        REPLACED = "replaced", _("Replaced by a newer request")

    # Which moves are legal. Expiry is not a stored move: a pending request whose
    # expires_at has passed reads as "expired" and can no longer be opened or signed.
    TRANSITIONS: dict[str, set[str]] = {
        Status.SENT: {Status.OPENED, Status.CANCELLED, Status.REPLACED},
        Status.OPENED: {
            Status.SIGNED,
            Status.DECLINED,
            Status.CANCELLED,
            Status.REPLACED,
        },
        Status.SIGNED: {Status.SUPERSEDED, Status.REPLACED},
        Status.DECLINED: {Status.REPLACED},
    }
    PENDING = (Status.SENT, Status.OPENED)

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="signature_requests"
    )
    officer_name = models.CharField(_("officer's name"), max_length=150)
    officer_title = models.CharField(_("officer's title"), max_length=150)
    officer_email = models.EmailField(_("officer's email"))
    # Only the SHA-256 of the link's token is kept: a database reader cannot sign.
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.SENT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_expiry)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The officer's account, attached when they open the link with the named address.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signature_requests",
    )
    # What was signed: the choice, the typed name, the exact text, the SOI content.
    certifies = models.BooleanField(null=True, blank=True)
    cannot_certify_explanation = models.TextField(blank=True)
    typed_name = models.CharField(max_length=150, blank=True)
    signer_name = models.CharField(max_length=150, blank=True)
    text_version = models.ForeignKey(
        CertificationText, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text_sha256 = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    signer_user_agent = models.CharField(max_length=400, blank=True)
    decline_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "-sent_at", "-pk"]

    def __str__(self):
        return f"Signing request to {self.officer_email} ({self.get_status_display()})"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_expired(self) -> bool:
        return self.status in self.PENDING and self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """What the applicant is shown: the status, or "expired" for a lapsed pending link."""
        return "expired" if self.is_expired else self.status

    @property
    def state_label(self) -> str:
        if self.is_expired:
            return "Expired"
        return str(self.get_status_display())
