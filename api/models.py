"""Personal API tokens and the log of their use.

The secret is shown once, at creation; only its SHA-256 is stored. A token is
a high-entropy random string, so a fast hash is enough (as GitHub and
django-rest-knox do): there is no password to guess offline.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# DOJ's longest allowed lifetime for a credential of this kind in the portal.
MAX_LIFETIME_DAYS = 365


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, shown in lists so its owner can tell tokens apart.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("read scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"


class ApiTokenUse(models.Model):
    """One authenticated request made with a token (who used what, when)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="api_token_use_recent_idx")]

    def __str__(self):
        return f"{self.token_id} {self.method} {self.endpoint} {self.at:%Y-%m-%d %H:%M}"
