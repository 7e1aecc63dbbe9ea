"""A PSP site: a selected jurisdiction over its three years of TTA.

Fields marked INTERNAL are for DOJ staff and liaisons only; the site's own
applicants never see them (templates and CSV exports check `can_see_internal`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from program.districts import JUDICIAL_DISTRICTS
from program.focus_areas import FocusArea
from psp_portal.choice_labels import ChoiceLabelsMixin

# PSP began as the Violence Reduction Network in 2014; DOJ commits for three years.
FIRST_COHORT_YEAR = 2014
COMMITMENT_YEARS = 3


class SiteQuerySet(models.QuerySet):
    def in_program(self):
        """Sites that count: every one but the withdrawn (lists, maps, program report)."""
        return self.exclude(phase="withdrawn")


class Site(ChoiceLabelsMixin, models.Model):
    class Phase(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        STRATEGIC_PLANNING = "strategic_planning", _("Strategic planning")
        IMPLEMENTATION = "implementation", _("Implementation")
        SUSTAINMENT = "sustainment", _("Sustainment")
        GRADUATED = "graduated", _("Graduated")
        # An end state: the site left the program before graduating (e.g. its selection
        # was reversed). Set only by site_withdraw, with a reason; its history is kept.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Phases move forward one step at a time; a program admin may also step back
    # one phase to correct a mistake. Graduation is final. Withdrawal is its own
    # service (site_withdraw), not a phase step, because it needs a reason.
    TRANSITIONS = {
        Phase.ASSESSMENT: {Phase.STRATEGIC_PLANNING},
        Phase.STRATEGIC_PLANNING: {Phase.IMPLEMENTATION, Phase.ASSESSMENT},
        Phase.IMPLEMENTATION: {Phase.SUSTAINMENT, Phase.STRATEGIC_PLANNING},
        Phase.SUSTAINMENT: {Phase.GRADUATED, Phase.IMPLEMENTATION},
    }

    class EngagementLevel(models.TextChoices):
        # Only the 2017 and 2018 cohorts were split this way.
        DIAGNOSTIC = "diagnostic", _("Diagnostic site")
        OPERATIONS = "operations", _("Operations site")

    jurisdiction = models.ForeignKey(
        "accounts.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    # The Statement of Interest whose selection created the site; empty for sites
    # entered by a program admin (earlier cohorts).
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("originating Statement of Interest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="site",
    )
    cohort_year = models.PositiveSmallIntegerField(
        _("cohort year"),
        validators=[MinValueValidator(FIRST_COHORT_YEAR), MaxValueValidator(2100)],
    )
    usao_district = models.CharField(_("USAO district"), max_length=3, choices=JUDICIAL_DISTRICTS)
    engagement_level = models.CharField(
        _("engagement level"),
        max_length=20,
        choices=EngagementLevel,
        blank=True,
        help_text=_("2017 and 2018 cohorts only: diagnostic or operations site."),
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase, default=Phase.ASSESSMENT)
    # Copy of the latest SitePhase row, so lists filter and sort without a join.
    phase_started_on = models.DateField(_("phase began on"))
    start_date = models.DateField(_("start date"))
    expected_end_date = models.DateField(_("expected end"))
    # Copy of the open SiteLiaisonAssignment, kept in step by site_assign_liaison.
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Strategic Site Liaison"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_sites",
    )
    summary = models.TextField(
        _("profile summary"), blank=True, help_text=_("Shown to the site's own team.")
    )
    internal_notes = models.TextField(  # INTERNAL
        _("internal notes"), blank=True, help_text=_("DOJ staff and liaisons only.")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["-cohort_year", "jurisdiction__name"]
        permissions = [
            ("view_any_site", "Can read every site"),
            ("manage_sites", "Can create and change sites"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "cohort_year"], name="unique_site_per_cohort"
            ),
            models.CheckConstraint(
                condition=Q(expected_end_date__gte=models.F("start_date")),
                name="site_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction.name}, {self.jurisdiction.state} ({self.cohort_year})"

    @property
    def name(self) -> str:
        return self.jurisdiction.name

    @property
    def state(self) -> str:
        return self.jurisdiction.state

    def can_move_to(self, phase: str) -> bool:
        return phase in self.TRANSITIONS.get(self.phase, set())

    @property
    def is_withdrawn(self) -> bool:
        return self.phase == self.Phase.WITHDRAWN

    @property
    def can_withdraw(self) -> bool:
        return self.phase not in (self.Phase.GRADUATED, self.Phase.WITHDRAWN)

    @property
    def next_phases(self) -> list[str]:
        return [p for p in self.Phase.values if self.can_move_to(p)]


class SitePhase(models.Model):
    """One row per phase the site entered, with the date it began (the phase history)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("phase"), max_length=20, choices=Site.Phase)
    started_on = models.DateField(_("began on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self):
        return f"{self.get_phase_display()} from {self.started_on}"


class SiteLiaisonAssignment(models.Model):
    """Who was the site's Strategic Site Liaison, and when. One open row per site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="liaison_assignments")
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="liaison_assignments"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            # "One at a time": the database refuses a second open assignment.
            models.UniqueConstraint(
                fields=["site"], condition=Q(ended_on__isnull=True), name="one_open_liaison"
            ),
        ]

    def __str__(self):
        return f"{self.liaison} at {self.site_id} from {self.started_on}"


class SiteFocusArea(ChoiceLabelsMixin, models.Model):
    """A focus area chosen for the site (a row, so lists can filter on it)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="focus_area_rows")
    focus_area = models.CharField(_("focus area"), max_length=40, choices=FocusArea)
    history = HistoricalRecords()

    class Meta:
        ordering = ["focus_area"]
        constraints = [
            models.UniqueConstraint(fields=["site", "focus_area"], name="unique_site_focus_area")
        ]

    def __str__(self):
        return self.get_focus_area_display()


class TeamMember(models.Model):
    """A person on the site's team roster, with contacts."""

    class Role(models.TextChoices):
        EXECUTIVE = "executive", _("Executive leadership")
        DOJ_CHAMPION = "doj_champion", _("DOJ program-office champion")
        ATF = "atf", _("ATF")
        DEA = "dea", _("DEA")
        FBI = "fbi", _("FBI")
        USMS = "usms", _("USMS")
        USAO = "usao", _("U.S. Attorney's Office")
        ANALYST = "analyst", _("Analyst")
        EMBEDDED_EXPERT = "embedded_expert", _("Embedded subject-matter expert")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    organisation = models.CharField(_("organization"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Goal(models.Model):
    """A goal of the site's violent crime reduction strategic plan."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DEFERRED = "deferred", _("Deferred")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_STARTED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]

    def __str__(self):
        return self.title
