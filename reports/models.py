from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The CUI banner of the CUI Marking Handbook. FOUO is a retired legacy marking and
# is never combined with CUI; a category or dissemination control is added here by
# the program admin when one applies (e.g. "CUI//FEDCON").
DEFAULT_MARKING = "CUI"
# The marking that shipped before, replaced by data migration 0004.
RETIRED_MARKING = "CONTROLLED UNCLASSIFIED INFORMATION // FOR OFFICIAL USE ONLY"


class Report(models.Model):
    """One requested PDF. The row, not the Celery result, is the source of truth."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being produced")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        # The retention policy removed the file; the row stays and can be produced again.
        EXPIRED = "expired", _("File removed (can be produced again)")

    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    # Ids and plain values only, never model data: the worker reads current data by id.
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,  # scheduled reports have no requester
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The technical reason of a failure, shown to staff only.
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/", max_length=255, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Last time a render task was published for this row; the sweeper re-publishes
    # rows still queued long after it.
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    # Who holds the "rendering" claim: the Celery task id and the worker (host:pid).
    # A redelivered or retried task carries the same id, so it takes the claim over
    # at once instead of waiting for the sweeper to declare the row stale.
    claim_task_id = models.CharField(_("claimed by task"), max_length=64, blank=True)
    claim_worker = models.CharField(_("claimed by worker"), max_length=200, blank=True)
    # Set when a failure is worth another try (storage, database, network, or a kind
    # the system must deliver, such as the SOI receipt): the sweeper re-runs the row
    # once this time has passed. Null: failed for good, or not failed.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # When program admins were told the sweeper gave up on this report.
    admins_alerted_at = models.DateTimeField(_("admins alerted at"), null=True, blank=True)
    # Claimed before kind.on_ready runs, so the "your report is ready" side effect
    # happens at most once even when the task is delivered twice.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    # Scheduled reports only, e.g. "program_report:2026-Q3": unique, so a second
    # run of the schedule for the same period creates no second report.
    schedule_key = models.CharField(
        _("schedule key"), max_length=60, null=True, blank=True, unique=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="report_mine_idx"),
            # The sweeper's and the operations page's "failed, due for another try".
            models.Index(
                fields=["next_attempt_at"],
                name="report_retry_due_idx",
                condition=models.Q(next_attempt_at__isnull=False),
            ),
        ]
        permissions = [
            ("request_program_reports", "Can request program-wide reports"),
            ("configure_reports", "Can configure reports (handling marking)"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def kind_title(self) -> str:
        from .kinds import UnknownReportKind, get_kind

        try:
            return get_kind(self.kind).title
        except UnknownReportKind:
            return self.kind


class ReportSettings(models.Model):
    """The program's report settings: a single row, edited by program admins."""

    # Internal reports (kind.audience == "internal") carry the banner and the
    # designation block; letters and receipts to applicants carry neither.
    marking = models.CharField(
        _("CUI banner marking"),
        max_length=200,
        default=DEFAULT_MARKING,
        help_text=_(
            "Printed at the top and bottom of every page of internal reports, "
            'e.g. "CUI" or "CUI//FEDCON". Never combine CUI with FOUO.'
        ),
    )
    # The CUI designation indicator block printed on the first page of internal reports.
    controlled_by = models.CharField(
        _("controlled by"),
        max_length=200,
        default="U.S. Department of Justice, Office of Justice Programs, Bureau of Justice Assistance",
    )
    cui_category = models.CharField(
        _("CUI category"), max_length=200, default="General Law Enforcement; General Privacy"
    )
    dissemination = models.CharField(
        _("limited dissemination control"),
        max_length=200,
        default="FEDCON (federal employees and contractors only)",
    )
    point_of_contact = models.CharField(
        _("point of contact"),
        max_length=200,
        default="National Public Safety Partnership program office, Bureau of Justice Assistance",
    )
    # Who signs the letters to applicants; letters cannot be released without one.
    signatory_name = models.CharField(_("letter signatory: name"), max_length=150, blank=True)
    signatory_title = models.CharField(
        _("letter signatory: title"),
        max_length=200,
        blank=True,
        help_text=_('e.g. "Director, Bureau of Justice Assistance"'),
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self):
        return "Report settings"

    @property
    def has_signatory(self) -> bool:
        return bool(self.signatory_name.strip() and self.signatory_title.strip())

    @classmethod
    def load(cls) -> "ReportSettings":
        # pk=1 is the only row; get_or_create makes a fresh database work without fixtures.
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
