"""Annual violent-crime figures per site and year, and the dates they fall due.

A site is followed from its baseline (the three years in its Statement of
Interest) through its PSP years and two years after graduation. Baseline rows
copied from the SOI start verified; every other year is entered by the site (or
staff) and verified or returned by the site's liaison.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

OFFENSE_FIELDS = ("murder", "rape", "robbery", "aggravated_assault")
FIRST_YEAR = 2000


class OutcomeYear(models.Model):
    class Status(models.TextChoices):
        DUE = "due", _("Due")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    # Which moves are legal. Services enforce it; templates use it to show buttons.
    # A verified year may be returned (a revised FBI figure, a mistake found later).
    TRANSITIONS = {
        Status.DUE: {Status.SUBMITTED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.VERIFIED, Status.RETURNED},
        Status.VERIFIED: {Status.RETURNED},
    }
    # Figures may be typed in these states only (a submitted year waits for the liaison).
    EDITABLE = {Status.DUE, Status.RETURNED}

    class Source(models.TextChoices):
        UCR_NIBRS = "ucr_nibrs", _("FBI UCR / NIBRS (as published)")
        LOCAL = "local", _("Local records")

    class Origin(models.TextChoices):
        SOI = "soi", _("Statement of Interest")
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("CSV import")

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="outcome_years")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]
    )
    is_baseline = models.BooleanField(_("baseline year"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DUE)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin, default=Origin.ENTERED)
    # Empty until entered: a missing figure is NULL, never zero.
    murder = models.PositiveIntegerField(
        _("murder and nonnegligent manslaughter"), null=True, blank=True
    )
    rape = models.PositiveIntegerField(_("rape"), null=True, blank=True)
    robbery = models.PositiveIntegerField(_("robbery"), null=True, blank=True)
    aggravated_assault = models.PositiveIntegerField(_("aggravated assault"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source, blank=True)
    note = models.TextField(_("note"), blank=True)
    return_reason = models.TextField(_("reason returned"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("verified or returned at"), null=True, blank=True)
    # Claimed once before the "figures are due" mail goes out (sent once).
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "year"]
        permissions = [
            ("manage_outcomes", "Can enter any site's outcomes, import and set due dates")
        ]
        constraints = [
            models.UniqueConstraint(fields=["site", "year"], name="one_outcome_row_per_site_year"),
            # Verified figures are complete: the arithmetic never meets a half-filled year.
            models.CheckConstraint(
                condition=~Q(status="verified")
                | Q(
                    murder__isnull=False,
                    rape__isnull=False,
                    robbery__isnull=False,
                    aggravated_assault__isnull=False,
                    population__gt=0,
                ),
                name="verified_outcome_is_complete",
            ),
        ]
        indexes = [models.Index(fields=["status", "site"], name="outcome_status_site_idx")]

    def __str__(self):
        return f"{self.site_id} {self.year} ({self.get_status_display()})"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def has_figures(self) -> bool:
        return all(getattr(self, name) is not None for name in OFFENSE_FIELDS) and bool(
            self.population
        )

    @property
    def offenses(self) -> int | None:
        if not self.has_figures:
            return None
        return sum(getattr(self, name) for name in OFFENSE_FIELDS)


class OutcomesToken(models.Model):
    """A random value replaced after every committed write to what the Outcomes page
    reads (sites, jurisdictions, outcome rows, national rates), in one row: the page's
    program is kept in each process under it (outcomes/program_token.py)."""

    token = models.UUIDField()

    def __str__(self):
        return str(self.token)


class OutcomeDueDate(models.Model):
    """When a calendar year's figures fall due (e.g. 1 October of the next year)."""

    year = models.PositiveSmallIntegerField(
        _("figures for year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)],
    )
    due_on = models.DateField(_("due on"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the due rows were opened and reminders queued (the daily task's claim).
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} figures due {self.due_on}"


class OutcomeImport(models.Model):
    """One uploaded CSV of figures; checked and written all or nothing (maybe in a task)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected (nothing imported)")

    content = models.TextField(_("CSV content"))
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.QUEUED)
    # [{"line": 3, "reason": "..."}], shown beside the upload form.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.pk} ({self.get_status_display()})"
