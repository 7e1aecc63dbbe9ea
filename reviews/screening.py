"""Automatic screening of a submitted SOI: pure functions over data already loaded.

Nothing here queries the database on its own when the application was fetched with
`screening_prefetch` (the queue screens a whole page in a fixed number of queries).
Each check says pass, fail or needs attention, with the reasons staff read.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from applications.crime import ratio_to_national
from applications.models import Contact, CrimeFigures, IceAnswer, Letter
from applications.sections import application_progress

PASS, FAIL, ATTENTION = "pass", "fail", "attention"
RESULT_LABELS = {PASS: "Pass", FAIL: "Fail", ATTENTION: "Needs attention"}
RESULT_ORDER = {FAIL: 0, ATTENTION: 1, PASS: 2}

CHECKS = [
    ("complete", "Complete"),
    ("certification", "Section 1373 certification"),
    ("ice", "ICE-cooperation questions"),
    ("crime_rate", "Violent-crime rate above the national rate"),
    ("population", "Population within the cycle's range"),
]
CHECK_TITLES = dict(CHECKS)
# `get_answer_display()` rebuilds the choices dict on every call: a visible share of a
# page that screens 50 SOIs. The labels are fixed, so look them up once.
ICE_ANSWER_LABELS = dict(IceAnswer.Answer.choices)
OVERALL = "overall"


@dataclass
class Check:
    key: str
    title: str
    result: str
    reasons: list[str] = field(default_factory=list)
    computed_result: str = ""
    override: object | None = None  # the ScreeningOverride in force, if any

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]

    @property
    def overridden(self) -> bool:
        return self.override is not None


@dataclass
class Screening:
    checks: list[Check]
    result: str
    computed_result: str
    override: object | None = None
    rates: list[dict] = field(default_factory=list)

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def passed(self) -> bool:
        """Not failed: a decision may be recorded (attention items are for staff to weigh)."""
        return self.result != FAIL

    @property
    def latest_rate(self) -> dict | None:
        return self.rates[-1] if self.rates else None


def screening_lookups() -> list[Prefetch]:
    """The related rows screening reads, one query each (see `screening_prefetch`)."""
    from .models import ScreeningOverride

    # Each related model orders by "application" first, which orders by the SOI's own
    # ordering: every prefetch query joined the SOIs again and compiled that join. Rows
    # are grouped per SOI here, so the SOI's id gives the same order within each SOI.
    return [
        Prefetch("contacts", queryset=Contact.objects.order_by("application_id", "role")),
        Prefetch("crime_figures", queryset=CrimeFigures.objects.order_by("application_id", "year")),
        Prefetch(
            "letters",
            queryset=Letter.objects.order_by("application_id", "kind", "uploaded_at"),
        ),
        Prefetch(
            "ice_answers",
            queryset=IceAnswer.objects.order_by("application_id", "question_number"),
        ),
        Prefetch(
            "screening_overrides",
            queryset=ScreeningOverride.objects.select_related("overridden_by").order_by(
                "overridden_at", "pk"
            ),
        ),
    ]


# What screening reads through the SOI's own row.
SCREENING_JOINS = ("cycle__national_rate", "jurisdiction", "certification")


def screening_prefetch(queryset):
    """Load everything screening reads, in a fixed number of queries."""
    return queryset.select_related(*SCREENING_JOINS).prefetch_related(*screening_lookups())


def check_complete(application) -> Check:
    incomplete = [
        s for s in application_progress(application, with_urls=False) if s.state != "complete"
    ]
    if not incomplete:
        return Check("complete", CHECK_TITLES["complete"], PASS, ["Every section is complete."])
    reasons = [f"{s.title}: {', '.join(s.missing)}" for s in incomplete]
    return Check("complete", CHECK_TITLES["complete"], FAIL, reasons)


def check_certification(application) -> Check:
    title = CHECK_TITLES["certification"]
    cert = getattr(application, "certification", None)
    if cert is None or cert.certifies is None:
        return Check("certification", title, FAIL, ["Neither certified nor explained."])
    if cert.certifies:
        if not cert.typed_signature:
            return Check("certification", title, FAIL, ["Certification not signed."])
        return Check(
            "certification",
            title,
            PASS,
            [f"Certified by {cert.clo_name}, {cert.clo_title}."],
        )
    explanation = cert.cannot_certify_explanation.strip()
    if not explanation:
        return Check("certification", title, FAIL, ["Cannot certify, and gives no explanation."])
    # Allowed to apply, but DOJ weighs the explanation: a person must read it.
    return Check("certification", title, ATTENTION, [f"Cannot certify: {explanation}"])


def check_ice(application) -> Check:
    title = CHECK_TITLES["ice"]
    answers = {a.question_number: a for a in application.ice_answers.all()}
    unanswered = [n for n in (1, 2, 3) if n not in answers or not answers[n].answer]
    if unanswered:
        listed = ", ".join(f"question {n}" for n in unanswered)
        return Check("ice", title, FAIL, [f"Not answered: {listed}."])
    not_yes = [
        f"Question {n}: {ICE_ANSWER_LABELS.get(answers[n].answer, answers[n].answer)} - "
        f"{answers[n].explanation.strip()}"
        for n in (1, 2, 3)
        if answers[n].answer != IceAnswer.Answer.YES
    ]
    if not_yes:
        return Check("ice", title, ATTENTION, ["All three answered.", *not_yes])
    return Check("ice", title, PASS, ["All three answered Yes."])


def crime_rates(application) -> list[dict]:
    """Each year's rate and its ratio to the cycle's national rate, oldest first."""
    national = application.cycle.national_rate.rate if application.cycle.national_rate_id else None
    rows = sorted(application.crime_figures.all(), key=lambda row: row.year)
    return [
        {
            "year": row.year,
            "rate": row.rate,
            "ratio": ratio_to_national(row.rate, national),
            "above": national is not None and Decimal(row.rate) > Decimal(national),
        }
        for row in rows
    ]


def check_crime_rate(application, rates: list[dict]) -> Check:
    title = CHECK_TITLES["crime_rate"]
    national = application.cycle.national_rate
    if not rates:
        return Check("crime_rate", title, FAIL, ["No violent-crime figures."])
    reasons = [
        f"{r['year']}: {r['rate']} per 100,000, {r['ratio']} x the national rate of "
        f"{national.rate} ({national.year})"
        for r in rates
    ]
    if not rates[-1]["above"]:
        return Check(
            "crime_rate", title, FAIL, ["The latest year is not above the national rate.", *reasons]
        )
    if not all(r["above"] for r in rates):
        return Check(
            "crime_rate",
            title,
            ATTENTION,
            ["Not above the national rate in every year.", *reasons],
        )
    return Check("crime_rate", title, PASS, reasons)


def check_population(application) -> Check:
    title = CHECK_TITLES["population"]
    low, high = application.cycle.population_min, application.cycle.population_max
    if low is None and high is None:
        return Check("population", title, PASS, ["The cycle sets no population range."])
    population = application.population
    wanted = f"{low or 0:,} to {f'{high:,}' if high is not None else 'any'}"
    if population is None:
        return Check("population", title, FAIL, [f"No population given (range {wanted})."])
    inside = (low is None or population >= low) and (high is None or population <= high)
    verdict = "inside" if inside else "outside"
    return Check(
        "population",
        title,
        PASS if inside else FAIL,
        [f"Population {population:,} is {verdict} the range {wanted}."],
    )


def _overall(results: list[str]) -> str:
    if FAIL in results:
        return FAIL
    if ATTENTION in results:
        return ATTENTION
    return PASS


def screen(application) -> Screening:
    """Run every check, apply the overrides in force, and compute the overall result."""
    rates = crime_rates(application)
    checks = [
        check_complete(application),
        check_certification(application),
        check_ice(application),
        check_crime_rate(application, rates),
        check_population(application),
    ]
    # The latest override per check is in force (rows are ordered oldest first).
    in_force = {row.check_key: row for row in application.screening_overrides.all()}
    for check in checks:
        check.computed_result = check.result
        override = in_force.get(check.key)
        if override is not None:
            check.override = override
            check.result = override.result
    computed = _overall([c.result for c in checks])
    screening = Screening(checks=checks, result=computed, computed_result=computed, rates=rates)
    overall_override = in_force.get(OVERALL)
    if overall_override is not None:
        screening.override = overall_override
        screening.result = overall_override.result
    return screening
