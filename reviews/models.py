"""Review and selection state, kept apart from the SOI itself.

The intake app owns `Application.status` (draft, submitted, withdrawn); everything staff
do after submission (assignments, conflict declarations, scores, screening overrides,
decisions) lives here, so the two workflows never write the same column.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from psp_portal.choice_labels import ChoiceLabelsMixin

# (key, label, help) for the five scored criteria, in the order the form shows them.
CRITERIA = [
    ("severity", _("Severity of violent crime"), _("Sustained violent crime far above the national rate.")),
    ("leadership", _("Leadership commitment"), _("Commitment of the mayor, chief and prosecutor.")),
    ("readiness", _("Readiness for intensive TTA"), _("Capacity to take on intensive assistance now.")),
    ("partnerships", _("Partnerships"), _("Local, state and federal partners, the USAO included.")),
    ("tta_clarity", _("Clarity of TTA needs"), _("How clearly the SOI states the help it wants.")),
]  # fmt: skip
CRITERION_KEYS = [key for key, _label, _help in CRITERIA]
MAX_SCORE = 5
MAX_TOTAL = MAX_SCORE * len(CRITERIA)


class ReviewAssignment(models.Model):
    """A reviewer asked to score one SOI."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    # Set when assigning (default: reviews.services.review_due_default); reminders and
    # the official's overdue list read it. Empty on assignments made before due dates.
    due_date = models.DateField(_("review due"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "assigned_at"]
        permissions = [
            ("open_review_queue", "Can open the review queue (scope set by other permissions)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]
        indexes = [
            # The queue's overdue list walks assignments oldest due first and stops after
            # a few; without it SQLite sorted all 75,000 assignments at scale 10.
            models.Index(fields=["due_date", "id"], name="assignment_due_idx"),
            # A reviewer's queue reads their assignments' SOI ids from the index alone
            # (reviews.access._assigned_ids): through the reviewer index and the table,
            # its count and its page of ids took 4 ms each at bench scale 10 (issue 20).
            models.Index(fields=["reviewer", "application"], name="assignment_reviewer_soi_idx"),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.application}"


class ConflictDeclaration(models.Model):
    """A reviewer's statement of conflict (or none) on one SOI. Never deleted."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("I have a conflict of interest"))
    explanation = models.TextField(_("explanation"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_declaration_per_reviewer"
            )
        ]
        indexes = [
            # The few SOIs a reviewer declared a conflict on, which their scope leaves out
            # (reviews.access._conflicted): one small read per page, not one per SOI.
            models.Index(
                fields=["reviewer", "application"],
                condition=models.Q(has_conflict=True),
                name="declaration_conflicted_idx",
            ),
        ]

    def __str__(self):
        state = "conflict" if self.has_conflict else "no conflict"
        return f"{self.reviewer} on {self.application}: {state}"


class Review(ChoiceLabelsMixin, models.Model):
    """One reviewer's scores (0-5 per criterion), recommendation and notes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Recommendation(models.TextChoices):
        SELECT = "select", _("Select")
        DO_NOT_SELECT = "do_not_select", _("Do not select")
        DISCUSS = "discuss", _("Discuss")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.DRAFT},  # reopened by a selecting official
    }

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.PROTECT, related_name="review"
    )
    score_severity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )
    score_leadership = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )
    score_readiness = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )
    score_partnerships = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )
    score_tta_clarity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )
    comment_severity = models.TextField(blank=True)
    comment_leadership = models.TextField(blank=True)
    comment_readiness = models.TextField(blank=True)
    comment_partnerships = models.TextField(blank=True)
    comment_tta_clarity = models.TextField(blank=True)
    recommendation = models.CharField(max_length=20, choices=Recommendation, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    # Sum of the five scores, written at submit so the queue can average it in SQL.
    total_score = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    score_severity__lte=MAX_SCORE,
                    score_leadership__lte=MAX_SCORE,
                    score_readiness__lte=MAX_SCORE,
                    score_partnerships__lte=MAX_SCORE,
                    score_tta_clarity__lte=MAX_SCORE,
                ),
                name="review_scores_at_most_5",
            ),
        ]
        indexes = [
            # The slate ranks SOIs by their submitted reviews' average: read from this
            # index alone, not from the review rows with their comments.
            models.Index(fields=["assignment", "status", "total_score"], name="review_score_idx"),
        ]

    def __str__(self):
        return f"Review by {self.assignment.reviewer} of {self.assignment.application}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def scores(self) -> list[dict]:
        """Each criterion with its score and comment, for templates."""
        return [
            {
                "key": key,
                "label": label,
                "score": getattr(self, f"score_{key}"),
                "comment": getattr(self, f"comment_{key}"),
            }
            for key, label, _help in CRITERIA
        ]


class ScreeningOverride(models.Model):
    """A selecting official's written override of one screening check (or the overall result).

    Rows are only added: the latest row for a check is the one in force, and the earlier
    ones stay as the record of who changed what and why.
    """

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="screening_overrides"
    )
    check_key = models.CharField(_("screening check"), max_length=20)  # or "overall"
    result = models.CharField(_("result"), max_length=10, choices=Result)
    reason = models.TextField(_("reason"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "overridden_at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.check_key} -> {self.result}"


class Decision(ChoiceLabelsMixin, models.Model):
    """The selecting official's decision on one SOI.

    At most one decision per SOI is in force (not reversed); a reversed decision stays as
    the record, and a new one may then be recorded.
    """

    class Outcome(models.TextChoices):
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome)
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)
    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "-decided_at"]
        constraints = [
            # The backstop behind decision_record's row lock: two officials deciding
            # at once cannot both leave a decision in force.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(reversed_at__isnull=True),
                name="one_decision_in_force_per_soi",
            )
        ]
        permissions = [
            ("release_decisions", "Can release a cycle's decisions to applicants"),
        ]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def is_in_force(self) -> bool:
        return self.reversed_at is None

    @property
    def is_released(self) -> bool:
        return self.released_at is not None and self.reversed_at is None


class SelectionCapChange(models.Model):
    """A program admin changed how many sites a cycle takes: from, to, why, who, when.

    The cap is a rule of selection (reviews.services), so each change keeps its reason
    in full; the cycle's own history row records the new value too."""

    cycle = models.ForeignKey(
        "applications.Cycle", on_delete=models.CASCADE, related_name="cap_changes"
    )
    old_max_sites = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    new_max_sites = models.PositiveSmallIntegerField(_("to"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.cycle}: {self.old_max_sites} -> {self.new_max_sites}"


class ScoreSummary(models.Model):
    """An SOI's submitted reviews, averaged as the pages show it (0.1, half up).

    Derived data, kept by reviews.scores whenever a review is saved or deleted (a
    receiver, so every path that writes reviews keeps it). The slate ranks a cycle's
    SOIs by it: averaging each SOI's reviews in SQL took 65 ms for the 6,000 SOIs of a
    cycle at scale 10 (issue 20). An SOI without a row has no submitted review.
    """

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="score_summary",
    )
    # The SOI's cycle, which never changes once it is filed: the ranking index's first key.
    cycle = models.ForeignKey("applications.Cycle", on_delete=models.CASCADE, related_name="+")
    average = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    reviews_submitted = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            # The slate's ranking (reviews.selectors.ranked_slate_ids): a page of a cycle's
            # scored SOIs read in this order, the best first, rather than the cycle's
            # SOIs sorted; a cycle with no score yet has no entry to walk past.
            models.Index(
                fields=["cycle", "-average", "application"],
                condition=models.Q(average__isnull=False),
                name="scoresummary_ranked_idx",
            ),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.average}"
