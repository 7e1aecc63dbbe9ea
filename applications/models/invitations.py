"""Invitations that let a jurisdiction's applicant bring in a colleague."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class JurisdictionInvitation(models.Model):
    jurisdiction = models.ForeignKey(
        "accounts.Jurisdiction", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    # secrets.token_urlsafe(32): the link is the only credential, so it must not be guessable.
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} -> {self.jurisdiction}"
