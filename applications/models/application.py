"""The Statement of Interest and its section rows."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from program.districts import JUDICIAL_DISTRICTS

from .cycles import CertificationText, Cycle, IceQuestionSet


class Application(models.Model):
    """A jurisdiction's Statement of Interest (SOI) for one cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Which moves are legal. Services enforce it; templates use it to show buttons.
    # Screening, reviews and decisions are review's own records (reviews.models), not
    # states of the SOI; what applicants are told about them is
    # applications.extensions.applicant_status.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.WITHDRAWN},
    }

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="applications")
    jurisdiction = models.ForeignKey(
        "accounts.Jurisdiction", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("status"), max_length=32, choices=Status, default=Status.DRAFT)
    # Bumped on every section save; forms carry the value they were loaded with.
    version = models.PositiveIntegerField(default=1)
    # section key -> {"version": n, "at": iso time, "by": name}: who last saved each section,
    # so a stale form is detected per section and the message can say when.
    section_saves = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Section 1: jurisdiction profile (name, type and state live on the Jurisdiction).
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    lead_agency_name = models.CharField(
        _("lead law-enforcement agency"), max_length=200, blank=True
    )
    lead_agency_ori = models.CharField(_("lead agency ORI"), max_length=9, blank=True)
    judicial_district = models.CharField(
        _("federal judicial district"), max_length=3, choices=JUDICIAL_DISTRICTS, blank=True
    )
    uei = models.CharField(_("UEI (optional)"), max_length=12, blank=True)

    # Section 4: narrative.
    narrative_problem = models.TextField(_("violent crime problem and trend"), blank=True)
    narrative_strategies = models.TextField(_("current strategies"), blank=True)
    narrative_partnerships = models.TextField(_("partnerships"), blank=True)
    narrative_leadership = models.TextField(_("leadership commitment and readiness"), blank=True)
    narrative_tta = models.TextField(_("training and technical assistance wanted"), blank=True)
    tta_focus_areas = models.JSONField(_("TTA focus areas"), default=list, blank=True)

    # Section 8: submission.
    attestation = models.BooleanField(default=False)
    reference_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The PDF receipt, rendered by the reports pipeline (kind "soi_packet").
    receipt = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "jurisdiction"], name="one_soi_per_jurisdiction_per_cycle"
            )
        ]
        indexes = [
            # The review queue's default order (reviews.selectors.DB_SORTS): lets the
            # database read the first page without sorting every SOI. The status, last,
            # lets it skip drafts (the newest rows) and count the queue from the index
            # alone: SQLite at scale 10 read 4,000 draft rows for each page (15 ms).
            models.Index(
                Coalesce("submitted_at", "created_at").desc(),
                "reference_number",
                "id",
                "status",
                name="application_queue_order",
            ),
            # The same order for filed SOIs only (the queue never lists drafts): PostgreSQL
            # reads the first page from here instead of walking the index above past the
            # newest rows, all drafts, and checking each one's status on the table (4,400
            # rows, 3 to 4 ms, at scale 10). SQLite skips them in the index above.
            models.Index(
                Coalesce("submitted_at", "created_at").desc(),
                "reference_number",
                "id",
                condition=~models.Q(status="draft"),  # Status.DRAFT (not in scope in Meta)
                name="application_filed_queue_order",
            ),
            # A cycle's filed SOIs (the slate's ranking and totals): read from the index
            # alone, not from 10,000 rows of a cycle at scale 10 to check their status.
            models.Index(
                fields=["cycle", "status", "reference_number", "id"],
                name="application_cycle_status_idx",
            ),
        ]
        permissions = [
            ("review_application", "Can read and review submitted Statements of Interest"),
            ("view_all_applications", "Can see every Statement of Interest"),
            ("assign_reviewers", "Can assign reviewers to Statements of Interest"),
            ("decide_application", "Can record a selection decision"),
            ("override_screening", "Can override an automatic screening result"),
            ("manage_cycles", "Can create and change application cycles"),
            ("reverse_decision", "Can reverse a selection decision"),
        ]

    def __str__(self):
        return self.reference_number or f"Draft SOI {self.pk} ({self.jurisdiction})"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ReferenceSequence(models.Model):
    """The last reference number issued per year; locked while the next one is taken."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Contact(models.Model):
    class Role(models.TextChoices):
        CHIEF_EXECUTIVE = "chief_executive", _("Chief executive (mayor or county executive)")
        AGENCY_HEAD = "agency_head", _("Head of the lead agency (chief or sheriff)")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        CHIEF_LEGAL_OFFICER = "chief_legal_officer", _("Chief legal officer")
        POINT_OF_CONTACT = "point_of_contact", _("Primary point of contact")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=32, choices=Role)
    name = models.CharField(_("name"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "role"]
        constraints = [
            models.UniqueConstraint(fields=["application", "role"], name="one_contact_per_role")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"


class CrimeFigures(models.Model):
    """One year's violent-crime counts; the rate is computed by applications.crime."""

    class Source(models.TextChoices):
        UCR_NIBRS = "ucr_nibrs", _("FBI UCR / NIBRS")
        LOCAL = "local", _("Local records")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="crime_figures"
    )
    year = models.PositiveSmallIntegerField()
    # Blank values are allowed while the SOI is a draft (a year may be half typed);
    # the section's completeness check refuses submission until every value is there.
    murder = models.PositiveIntegerField(_("murder and nonnegligent manslaughter"), null=True)
    rape = models.PositiveIntegerField(_("rape"), null=True)
    robbery = models.PositiveIntegerField(_("robbery"), null=True)
    aggravated_assault = models.PositiveIntegerField(_("aggravated assault"), null=True)
    population = models.PositiveIntegerField(_("population"), null=True)
    data_source = models.CharField(_("data source"), max_length=20, choices=Source, blank=True)
    # Computed by the server once the year is complete; None until then.
    rate = models.DecimalField(max_digits=8, decimal_places=1, null=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "year"]
        verbose_name_plural = "crime figures"
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="one_figure_row_per_year")
        ]

    def __str__(self):
        return f"{self.year}: {self.rate}"

    @property
    def total(self) -> int | None:
        counts = (self.murder, self.rape, self.robbery, self.aggravated_assault)
        return None if None in counts else sum(counts)


def letter_upload_path(instance, filename):
    # Random directory and name: the path reveals nothing and cannot be guessed;
    # the original name is kept on the row for display only.
    return f"applications/letters/{uuid.uuid4().hex}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    class Kind(models.TextChoices):
        CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
        AGENCY_HEAD = "agency_head", _("Head of the lead agency")
        OTHER = "other", _("Other partner")

    REQUIRED_KINDS = (Kind.CHIEF_EXECUTIVE, Kind.AGENCY_HEAD)

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(_("letter from"), max_length=32, choices=Kind)
    file = models.FileField(upload_to=letter_upload_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class Certification(models.Model):
    """The chief legal officer's Section 1373 certification (or the reason it cannot be made)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="certification"
    )
    clo_name = models.CharField(_("chief legal officer's name"), max_length=150, blank=True)
    clo_title = models.CharField(_("title"), max_length=150, blank=True)
    clo_email = models.EmailField(_("email"), blank=True)
    # None: not chosen yet; True: certifies; False: cannot certify (explanation required).
    certifies = models.BooleanField(null=True, blank=True)
    typed_signature = models.CharField(_("typed signature"), max_length=150, blank=True)
    cannot_certify_explanation = models.TextField(
        _("why the jurisdiction cannot certify"), blank=True
    )
    # Frozen at submit: exactly what was signed, by whom, when and from where.
    text_version = models.ForeignKey(
        CertificationText, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The officer's current signature (None when none, or when a later edit superseded
    # it). certifies / typed_signature / signer / signed_at above are copied from it.
    signature = models.ForeignKey(
        "applications.SignatureRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    def __str__(self):
        return f"Certification for {self.application}"


class IceAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_APPLICABLE = "na", _("Not applicable")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="ice_answers"
    )
    question_number = models.PositiveSmallIntegerField()
    answer = models.CharField(max_length=3, choices=Answer, blank=True)
    explanation = models.TextField(blank=True)
    question_set = models.ForeignKey(IceQuestionSet, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "question_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question_number"], name="one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"Q{self.question_number}: {self.answer}"
