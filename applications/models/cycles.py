"""Application cycles and the reference data a cycle points at (rates, versioned texts)."""

import hashlib
import json
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NationalCrimeRate(models.Model):
    """The FBI's national violent-crime rate for a year, as published in one edition.

    Figures are revised in later editions, so the edition is part of the key and a
    cycle points at the exact row it compares against.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    rate = models.DecimalField(
        _("rate per 100,000"),
        max_digits=6,
        decimal_places=1,
        # Every SOI's ratio divides by this value: zero or less is never a real rate.
        validators=[MinValueValidator(Decimal("0.1"), _("A national rate is more than zero."))],
        help_text=_("For example 386.3."),
    )
    source_edition = models.CharField(
        _("source edition"),
        max_length=120,
        help_text=_("For example 'Crime in the United States 2016 (first published)'."),
    )
    source = models.TextField(_("source"), blank=True, help_text=_("Table, URL or citation."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "source_edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "source_edition"], name="unique_national_rate_edition"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.rate} ({self.source_edition})"


class CertificationText(models.Model):
    """One version of the Section 1373 certification. Never edited once a cycle uses it."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, editable=False)
    effective_date = models.DateField(_("effective date"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_date", "-version"]

    def __str__(self):
        return f"Certification {self.version}"

    def compute_sha256(self) -> str:
        return sha256_hex(self.text)

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.cycles.exists()


class IceQuestionSet(models.Model):
    """One version of the three ICE-cooperation questions. Never edited once used."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    question_1 = models.TextField(_("question 1"))
    question_2 = models.TextField(_("question 2"))
    question_3 = models.TextField(_("question 3"))
    sha256 = models.CharField(_("SHA-256 of the questions"), max_length=64, editable=False)
    effective_date = models.DateField(_("effective date"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_date", "-version"]

    def __str__(self):
        return f"ICE questions {self.version}"

    @property
    def questions(self) -> list[tuple[int, str]]:
        return [(1, self.question_1), (2, self.question_2), (3, self.question_3)]

    def compute_sha256(self) -> str:
        # Canonical JSON of the numbered texts, so the digest names all three at once.
        payload = json.dumps(
            {str(n): text for n, text in self.questions}, sort_keys=True, ensure_ascii=False
        )
        return sha256_hex(payload)

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.cycles.exists()


class Cycle(models.Model):
    """An application round: opens and closes at stated instants (stored UTC, shown ET)."""

    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("Used in reference numbers (PSP-<year>-0001).")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at (deadline)"))
    population_min = models.PositiveIntegerField(_("minimum population"), null=True, blank=True)
    population_max = models.PositiveIntegerField(_("maximum population"), null=True, blank=True)
    national_rate = models.ForeignKey(
        NationalCrimeRate,
        verbose_name=_("national violent-crime rate"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    certification_text = models.ForeignKey(
        CertificationText,
        verbose_name=_("Section 1373 certification text"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    question_set = models.ForeignKey(
        IceQuestionSet,
        verbose_name=_("ICE-cooperation questions"),
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    max_sites = models.PositiveSmallIntegerField(_("sites to select"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="cycle_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.name

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def crime_years(self) -> list[int]:
        """The last three full calendar years before the cycle opens.

        Counted from the opening date, not the cycle's name: a "2027" cycle that opens in
        November 2026 asks for 2023-2025, since 2026 is not yet a full year of data.
        """
        opened = timezone.localtime(self.opens_at).year
        return [opened - 3, opened - 2, opened - 1]
