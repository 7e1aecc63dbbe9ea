"""TTA engagements: what was planned and delivered for each site, after BJA's TTA reporting.

Fields marked INTERNAL are for DOJ staff and liaisons only; a site's applicants
see delivered engagements without them.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from program.focus_areas import FocusArea
from psp_portal.choice_labels import ChoiceLabelsMixin


class Engagement(ChoiceLabelsMixin, models.Model):
    class Type(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        SITE_VISIT = "site_visit", _("Site visit")
        TRAINING = "training", _("Training")
        TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance / consultation")
        PEER_EXCHANGE = "peer_exchange", _("Peer exchange")
        COMMUNITY_OF_PRACTICE = "community_of_practice", _("Community of practice session")
        WEBINAR = "webinar", _("Webinar or virtual workshop")
        EMBEDDED_EXPERT = "embedded_expert", _("Embedded subject-matter expert")
        STRATEGIC_PLANNING = "strategic_planning", _("Strategic-planning session")
        SYMPOSIUM = "symposium", _("Symposium or summit")
        CONFERENCE_SUPPORT = "conference_support", _("Conference support")

    class Delivery(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    # Which moves are legal. Services enforce it; the detail view offers only these.
    TRANSITIONS = {
        Status.PLANNED: {Status.DELIVERED, Status.CANCELLED},
    }
    # A cancelled engagement is a closed record: its fields are no longer edited.
    EDITABLE_STATUSES = {Status.PLANNED, Status.DELIVERED}

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="engagements")
    tracking_number = models.CharField(
        _("tracking number"), max_length=17, unique=True, editable=False
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=Type)
    # A list of FocusArea values; validated by forms and the importer.
    focus_areas = models.JSONField(_("focus areas"), default=list, blank=True)
    provider = models.CharField(
        _("provider"),
        max_length=150,
        help_text=_("The DOJ component or TTA provider delivering it, e.g. BJA, ATF, CNA."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery)
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Planned: the estimate. Delivered: the actual hours."),
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    agencies_represented = models.PositiveIntegerField(
        _("agencies represented"), null=True, blank=True
    )
    target_audience = models.CharField(_("target audience"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    summary = models.TextField(_("summary"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    milestones = models.TextField(_("milestones"), blank=True)
    internal_notes = models.TextField(  # INTERNAL
        _("internal notes"), blank=True, help_text=_("DOJ staff and liaisons only.")
    )
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)  # INTERNAL
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        permissions = [
            ("log_engagement", "Can log engagements for the sites assigned to them"),
            ("log_engagement_any_site", "Can log engagements for any site"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="engagement_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="engagement_hours_positive"
            ),
        ]
        indexes = [
            # A site's delivered engagements and hours in a year (engagements.stats,
            # per row of the program view and the workspace), from the index alone.
            models.Index(
                fields=["site", "status", "start_date", "hours"], name="engagement_site_year_idx"
            ),
            # The engagement list and the site page order by (-start_date, -id) and page
            # through the rows; without this index every page sorts the whole table.
            models.Index(fields=["-start_date", "-id"], name="engagement_recent_idx"),
            models.Index(fields=["site", "-start_date", "-id"], name="engagement_site_recent_idx"),
            models.Index(
                fields=["status", "-start_date", "-id"], name="engagement_status_recent_idx"
            ),
            # A site's last delivered engagement (program view, liaison workspace): the
            # first entry under (site, delivered) instead of sorting every delivered row.
            models.Index(fields=["site", "status", "-end_date"], name="engagement_site_last_idx"),
            # The program view's year total (count and hours of delivered engagements):
            # read from the index alone, not from 25,000 rows spread over the table.
            models.Index(
                fields=["status", "start_date", "hours"], name="engagement_status_hours_idx"
            ),
            # The ids of a liaison's engagements (the workspace's overdue follow-ups) read
            # from the index alone: a few thousand entries, not every engagement's row.
            models.Index(fields=["site", "status", "id"], name="engagement_site_ids_idx"),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.title}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def focus_area_labels(self) -> list[str]:
        labels = dict(FocusArea.choices)
        return [labels.get(value, value) for value in self.focus_areas]


class EngagementsToken(models.Model):
    """A random value replaced after every committed write to engagements (one row): the
    program's year totals are kept in each process under it (engagements/year_totals.py,
    psp_portal/change_tokens.py)."""

    token = models.UUIDField()

    def __str__(self):
        return str(self.token)


class TrackingCounter(models.Model):
    """The last tracking-number sequence used on a day; its row is locked to hand out the next."""

    day = models.DateField(primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day}: {self.last_value}"


class FollowUpAction(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="follow_ups")
    # The engagement's site, set when the action is first saved (save() below; code that
    # bulk-creates actions sets it itself). An engagement stays with the site it was
    # logged for, so this never goes stale. Indexed by followup_open_site_idx only.
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=150)
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # Open actions by due date (the engagement list's ?overdue=true).
            models.Index(
                fields=["due_date", "id"], condition=Q(done=False), name="followup_open_due_idx"
            ),
            # The workspace reads a liaison's overdue actions site by site here: the page
            # costs the same however many open follow-ups other liaisons have, and does
            # not walk the liaison's thousands of engagements either (issue 20).
            models.Index(
                fields=["site", "due_date", "id"],
                include=["engagement"],
                condition=Q(done=False),
                name="followup_open_site_idx",
            ),
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        if self.site_id is None:
            self.site_id = self.engagement.site_id
        super().save(*args, **kwargs)


def attachment_path(instance, filename):
    # The stored name is not the uploaded one: user input never decides a path.
    return f"engagements/{instance.engagement_id}/{instance.uuid}{instance.extension}"


class Attachment(models.Model):  # INTERNAL: staff and liaisons only
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="attachments")
    uuid = models.UUIDField(unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class NarrativeUpdate(models.Model):  # INTERNAL: BJA's half-year narrative
    """The liaison's narrative for one site and half-year, with that period's figures."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("January-June")
        SECOND = 2, _("July-December")

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="narratives")
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half)
    narrative = models.TextField(_("narrative update"))
    # Pre-filled from the engagement log when the form opens; the liaison may correct them.
    engagements_delivered = models.PositiveIntegerField(_("engagements delivered"), default=0)
    hours_delivered = models.DecimalField(
        _("hours delivered"), max_digits=8, decimal_places=1, default=0
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "half"], name="one_narrative_per_half")
        ]

    def __str__(self):
        return f"{self.site_id} {self.year} H{self.half}"


class ImportJob(models.Model):
    """One uploaded CSV import, run in the background; what the progress and result pages show.

    All or nothing: the rows are inserted and the job marked succeeded in one
    transaction, so a redelivered task can never import the same file twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking and importing")
        SUCCEEDED = "succeeded", _("Imported")
        REJECTED = "rejected", _("Nothing imported: rows need fixing")
        ERROR = "error", _("Nothing imported: the import could not run")

    FINISHED = (Status.SUCCEEDED, Status.REJECTED, Status.ERROR)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The uploaded CSV, private (no public URL), removed by the retention policy.
    file = models.FileField(_("file"), upload_to="imports/", max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("engagements created"), default=0)
    # [{"line": 3, "reason": "..."}] for a rejected file.
    row_errors = models.JSONField(_("problems by line"), default=list, blank=True)
    # The technical reason of an "error" outcome, for staff.
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim_task_id = models.CharField(_("claimed by task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(100 * self.rows_checked / self.total_rows) if self.total_rows else 0
