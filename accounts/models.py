from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .geography import STATE_CHOICES


class Jurisdiction(models.Model):
    """A city, county, tribe or partnership that applies to PSP; several applicants share one."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        CONSOLIDATED = "consolidated", _("Consolidated city-county")
        TRIBAL = "tribal", _("Tribal nation")
        PARTNERSHIP = "partnership", _("Multi-jurisdiction partnership")

    name = models.CharField(_("legal name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind)
    state = models.CharField(_("state or territory"), max_length=2, choices=STATE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "state"]
        constraints = [
            models.UniqueConstraint(fields=["name", "state", "kind"], name="unique_jurisdiction"),
        ]

    def __str__(self):
        return f"{self.name}, {self.state}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address; roles come from groups."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("Applicants only: the jurisdiction this person files for."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        permissions = [
            ("file_statement_of_interest", "Can file a Statement of Interest"),
            ("open_staff_area", "Can open DOJ staff pages"),
            ("manage_staff_accounts", "Can create and change staff accounts"),
            ("use_django_admin", "Can use the Django admin"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    @property
    def is_portal_staff(self) -> bool:
        """Holds a DOJ staff role (and so must use MFA).

        Every staff role carries accounts.open_staff_area (roles.py); asking for the
        permission reuses the permission cache that navigation and views fill anyway.
        """
        return self.has_perm("accounts.open_staff_area")


class SecurityEvent(models.Model):
    """An audit row for a refused or security-relevant action (who, when, what, from where).

    Written by accounts.audit.security_event_record; read-only in the admin. Kept in
    the database, not only in the log, so an assessor can query refusals per account.
    """

    class Kind(models.TextChoices):
        ADMIN_REFUSED = "admin_refused", _("Admin change refused")
        INVITATION_REFUSED = "invitation_refused", _("Invitation not sent")
        INVITATION_RATE_LIMITED = "invitation_rate_limited", _("Invitation rate limit reached")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOGIN_RATE_LIMITED = "login_rate_limited", _("Sign-in refused: too many failures")
        MFA_FAILED = "mfa_failed", _("Authenticator code refused")
        UPLOAD_REFUSED = "upload_refused", _("Upload refused")
        API_TOKEN_REFUSED = "api_token_refused", _("API token refused")

    # Kinds that anyone can cause at will (a script guessing passwords, a loop posting
    # files): repeats of the same event within a window add to one row's `count`
    # instead of adding rows, so a flood cannot fill the table (accounts.audit).
    AGGREGATED = frozenset(
        {
            Kind.LOGIN_FAILED,
            Kind.LOGIN_RATE_LIMITED,
            Kind.MFA_FAILED,
            Kind.UPLOAD_REFUSED,
            Kind.API_TOKEN_REFUSED,
        }
    )

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=500)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # How many times this event happened from `at` to `last_at` (aggregated kinds only).
    count = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"], name="securityevent_kind_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.detail}"
