"""Volume data for benchmarks: seeded, reproducible, written with bulk_create.

Scale 1 = 3 cycles, 1,000 jurisdictions (one applicant each), 3,000 SOIs (every section
filled; reviews, assignments, decisions), 100 sites, 20,000 engagements with follow-ups.
Scale N multiplies every count except the cycles (one a year). The same (scale, seed)
gives the same rows, so figures from two runs compare like with like.

bulk_create writes no django-simple-history rows: pages read the live tables, and
history is not what the benchmark measures. Never run against production data
(`refuse_in_production`).
"""

import datetime
import os
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.geography import STATE_CHOICES
from accounts.models import Jurisdiction, User
from applications.crime import violent_crime_rate
from applications.factories_support import certification_text_v1, question_set_v1
from applications.models import (
    Application,
    Certification,
    Contact,
    CrimeFigures,
    Cycle,
    IceAnswer,
    Letter,
    NationalCrimeRate,
    ReferenceSequence,
)
from engagements.models import Engagement, FollowUpAction, NarrativeUpdate
from outcomes.models import OutcomeYear
from program.districts import JUDICIAL_DISTRICTS
from program.focus_areas import FocusArea
from reviews.models import (
    CRITERION_KEYS,
    ConflictDeclaration,
    Decision,
    Review,
    ReviewAssignment,
    ScoreSummary,
)
from reviews.scores import score_summaries_rebuild
from sites.models import Goal, Site, SiteFocusArea, SiteLiaisonAssignment, SitePhase, TeamMember

EMAIL_DOMAIN = "bench.example.gov"
PASSWORD = "bench-password-not-secret"  # every generated account; local benchmark data only
BATCH = 2000
BASE = {
    "jurisdictions": 1000,
    "sois_per_cycle": 1000,
    "sites": 100,
    "engagements": 20000,
    "reviewers": 20,
    "liaisons": 10,
}
CYCLE_YEARS = (2024, 2025, 2026)  # the last one is open now
SELECTED_PER_CLOSED_CYCLE = 20  # x scale; the rest of the sites are earlier cohorts
BIG_SITE_ENGAGEMENTS = 1000  # the first site: the 1,000-engagement site report
STATES = [code for code, _name in STATE_CHOICES]
DISTRICTS = [code for code, _name in JUDICIAL_DISTRICTS]
FOCUS = list(FocusArea.values)
WORDS = (
    "violence reduction gun crime analysis hot spots focused deterrence victim services "
    "prosecution partnership community trust homicide investigations technology training "
    "data sharing intelligence strategy outreach youth prevention review"
).split()


def refuse_in_production() -> None:
    if getattr(settings, "PRODUCTION", False) or settings.DJANGO_ENV == "production":
        raise ImproperlyConfigured("Benchmark data must never be generated in production.")


def is_bench_database() -> bool:
    """The database is one `manage.py bench` made: PostgreSQL psp_bench (BENCH_PG_DB) or
    SQLite var/bench/bench.sqlite3."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        return Path(name).name == "bench.sqlite3" and Path(name).parent.name == "bench"
    return name == os.environ.get("BENCH_PG_DB", "psp_bench")


def refuse_outside_bench_database() -> None:
    """Timing stages run with production settings (issue 20), so DJANGO_ENV cannot tell a
    bench from a deployment there: they refuse any database but the bench's own."""
    if not is_bench_database() and (
        getattr(settings, "PRODUCTION", False) or settings.DJANGO_ENV == "production"
    ):
        raise ImproperlyConfigured(
            "With production settings the benchmark runs only on its own database."
        )


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _bulk(model, rows, summary: Summary) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    summary.add(model._meta.label, len(created))
    return created


def staff_emails(scale: int) -> dict[str, list[str]]:
    """The generated staff accounts per role (bench pages sign in as the first of each)."""
    return {
        roles.REVIEWER: [f"reviewer{i}@{EMAIL_DOMAIN}" for i in range(BASE["reviewers"] * scale)],
        roles.SELECTING_OFFICIAL: [f"official{i}@{EMAIL_DOMAIN}" for i in range(3)],
        roles.SITE_LIAISON: [f"liaison{i}@{EMAIL_DOMAIN}" for i in range(BASE["liaisons"] * scale)],
        roles.PROGRAM_ADMIN: [f"admin{i}@{EMAIL_DOMAIN}" for i in range(2)],
    }


def enrol_totp(user: User) -> None:
    """Staff pages need an enrolled authenticator (StaffMFARequiredMiddleware)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


def generate(*, scale: int = 1, seed: int = 1) -> Summary:
    """Create the data set in one transaction. The database must hold no bench data."""
    refuse_in_production()
    if User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).exists():
        raise ImproperlyConfigured("This database already holds bench data: use a fresh one.")
    rng = random.Random(seed)
    summary = Summary()
    now = timezone.now()
    today = timezone.localdate()
    password = make_password(PASSWORD)  # hashed once: hashing 10,000 times would take minutes
    with transaction.atomic():
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}

        # Reference data and cycles.
        cert_text, question_set = certification_text_v1(), question_set_v1()
        rates = {}
        for year in CYCLE_YEARS:
            rates[year], _ = NationalCrimeRate.objects.get_or_create(
                year=year - 1,
                source_edition=f"Bench edition {year - 1}",
                defaults={"rate": Decimal("380.0")},
            )
        cycles = []
        for i, year in enumerate(CYCLE_YEARS):
            current = i == len(CYCLE_YEARS) - 1
            opens = now - datetime.timedelta(days=30) if current else now.replace(year=year - 1)
            closes = (
                now + datetime.timedelta(days=30) if current else opens + datetime.timedelta(60)
            )
            cycles.append(
                Cycle(
                    name=f"Bench cycle {year}",
                    year=year,
                    opens_at=opens,
                    closes_at=closes,
                    population_min=50_000,
                    national_rate=rates[year],
                    certification_text=cert_text,
                    question_set=question_set,
                    max_sites=SELECTED_PER_CLOSED_CYCLE * scale,
                )
            )
        cycles = _bulk(Cycle, cycles, summary)

        # Jurisdictions, one applicant each, and the staff.
        n_jur = BASE["jurisdictions"] * scale
        kinds = list(Jurisdiction.Kind.values)
        jurisdictions = _bulk(
            Jurisdiction,
            [
                Jurisdiction(
                    name=f"Benchville {i:05d}",
                    kind=rng.choice(kinds),
                    state=rng.choice(STATES),
                )
                for i in range(n_jur)
            ],
            summary,
        )
        applicants = _bulk(
            User,
            [
                User(
                    email=f"applicant{i}@{EMAIL_DOMAIN}",
                    full_name=f"Applicant {i}",
                    jurisdiction=j,
                    password=password,
                )
                for i, j in enumerate(jurisdictions)
            ],
            summary,
        )
        staff: dict[str, list[User]] = {}
        for role, emails in staff_emails(scale).items():
            staff[role] = _bulk(
                User,
                [
                    User(
                        email=e,
                        full_name=e.split("@")[0].title(),
                        password=password,
                        is_staff=role == roles.PROGRAM_ADMIN,
                    )
                    for e in emails
                ],
                summary,
            )
        memberships = [
            User.groups.through(user_id=u.pk, group_id=groups[roles.APPLICANT].pk)
            for u in applicants
        ] + [
            User.groups.through(user_id=u.pk, group_id=groups[role].pk)
            for role, users in staff.items()
            for u in users
        ]
        _bulk(User.groups.through, memberships, summary)
        _bulk(
            EmailAddress,
            [
                EmailAddress(user=u, email=u.email, verified=True, primary=True)
                for u in applicants + [u for users in staff.values() for u in users]
            ],
            summary,
        )
        for users in staff.values():
            for user in users:
                enrol_totp(user)
        summary.add("mfa.Authenticator", sum(len(u) for u in staff.values()))
        official = staff[roles.SELECTING_OFFICIAL][0]
        admin = staff[roles.PROGRAM_ADMIN][0]

        # Statements of Interest: every jurisdiction files in every cycle.
        apps = []
        for cycle in cycles:
            current = cycle is cycles[-1]
            seq = 0
            for j, applicant in zip(jurisdictions, applicants, strict=True):
                roll = rng.random()
                if current:
                    status = (
                        Application.Status.SUBMITTED if roll < 0.6 else Application.Status.DRAFT
                    )
                elif roll < 0.03:
                    status = Application.Status.WITHDRAWN
                elif roll < 0.05:
                    status = Application.Status.DRAFT
                else:
                    status = Application.Status.SUBMITTED
                submitted = status != Application.Status.DRAFT
                if submitted:
                    seq += 1
                apps.append(
                    Application(
                        cycle=cycle,
                        jurisdiction=j,
                        status=status,
                        created_by=applicant,
                        population=rng.randint(50_000, 2_000_000),
                        population_year=cycle.year - 1,
                        lead_agency_name=f"{j.name} Police Department",
                        lead_agency_ori=f"{j.state}{rng.randint(0, 9999999):07d}",
                        judicial_district=rng.choice(DISTRICTS),
                        narrative_problem=_text(rng, 40),
                        narrative_strategies=_text(rng, 30),
                        narrative_partnerships=_text(rng, 20),
                        narrative_leadership=_text(rng, 20),
                        narrative_tta=_text(rng, 20),
                        tta_focus_areas=rng.sample(FOCUS, 2),
                        section_saves={
                            key: {"version": 1, "at": now.isoformat(), "by": applicant.full_name}
                            for key in (
                                "profile",
                                "contacts",
                                "crime",
                                "narrative",
                                "certification",
                                "ice",
                            )
                        },
                        attestation=submitted,
                        reference_number=f"PSP-{cycle.year}-{seq:04d}" if submitted else None,
                        submitted_at=cycle.opens_at + datetime.timedelta(days=rng.randint(1, 25))
                        if submitted
                        else None,
                        submitted_by=applicant if submitted else None,
                        withdrawn_at=now if status == Application.Status.WITHDRAWN else None,
                        withdrawn_by=applicant if status == Application.Status.WITHDRAWN else None,
                        withdrawal_reason="Leadership changed."
                        if status == Application.Status.WITHDRAWN
                        else "",
                    )
                )
            ReferenceSequence.objects.update_or_create(year=cycle.year, defaults={"last": seq})
        apps = _bulk(Application, apps, summary)
        _bulk_sections(apps, rng, summary, question_set, cert_text, now)

        # Reviews: three reviewers per submitted SOI.
        reviewers = staff[roles.REVIEWER]
        submitted = [a for a in apps if a.status == Application.Status.SUBMITTED]
        assignments = []
        for a in submitted:
            for reviewer in rng.sample(reviewers, 3):
                assignments.append(
                    ReviewAssignment(application=a, reviewer=reviewer, assigned_by=official)
                )
        assignments = _bulk(ReviewAssignment, assignments, summary)
        current_cycle_id = cycles[-1].pk
        app_cycle = {a.pk: a.cycle_id for a in apps}
        declarations, reviews = [], []
        for asg in assignments:
            roll = rng.random()
            in_current = app_cycle[asg.application_id] == current_cycle_id
            if in_current and roll < 0.3:
                continue  # not started
            declarations.append(
                ConflictDeclaration(
                    application_id=asg.application_id,
                    reviewer_id=asg.reviewer_id,
                    has_conflict=False,
                )
            )
            done = not in_current or roll > 0.5
            scores = {f"score_{k}": rng.randint(0, 5) for k in CRITERION_KEYS}
            reviews.append(
                Review(
                    assignment=asg,
                    **scores,
                    **{f"comment_{k}": _text(rng, 12) for k in CRITERION_KEYS},
                    recommendation=rng.choice(Review.Recommendation.values),
                    notes=_text(rng, 10),
                    status=Review.Status.SUBMITTED if done else Review.Status.DRAFT,
                    total_score=sum(scores.values()) if done else None,
                    submitted_at=now if done else None,
                )
            )
        _bulk(ConflictDeclaration, declarations, summary)
        _bulk(Review, reviews, summary)
        # bulk_create sends no signals: the averages the slate ranks by, as the receiver keeps them.
        summary.add(ScoreSummary._meta.label, score_summaries_rebuild())

        # Decisions on the closed cycles: the selected ones become sites.
        decisions, selected = [], []
        per_cycle = SELECTED_PER_CLOSED_CYCLE * scale
        for cycle in cycles[:-1]:
            pool = [a for a in submitted if a.cycle_id == cycle.pk]
            rng.shuffle(pool)
            for k, a in enumerate(pool[: per_cycle * 3]):
                outcome = (
                    Decision.Outcome.SELECTED if k < per_cycle else Decision.Outcome.NOT_SELECTED
                )
                decisions.append(
                    Decision(
                        application=a,
                        outcome=outcome,
                        rationale=_text(rng, 15),
                        decided_by=official,
                        released_at=now,
                        released_by=official,
                    )
                )
                if outcome == Decision.Outcome.SELECTED:
                    selected.append((cycle.year, a))
        decisions = _bulk(Decision, decisions, summary)

        # Sites: the selected SOIs plus earlier cohorts entered by an admin.
        liaisons = staff[roles.SITE_LIAISON]
        n_sites = BASE["sites"] * scale
        used = {(a.jurisdiction_id, year) for year, a in selected}
        legacy = []
        while len(selected) + len(legacy) < n_sites:
            year = rng.randint(2014, 2023)
            j = rng.choice(jurisdictions)
            if (j.pk, year) not in used:
                used.add((j.pk, year))
                legacy.append((year, j))
        phases = list(Site.Phase.values)
        site_rows = []
        for year, source in selected + legacy:
            is_app = isinstance(source, Application)
            start = datetime.date(year, rng.randint(1, 12), 1)
            phase_index = min(len(phases) - 1, max(0, (today.year - year) + rng.randint(-1, 0)))
            site_rows.append(
                Site(
                    jurisdiction_id=source.jurisdiction_id if is_app else source.pk,
                    application=source if is_app else None,
                    cohort_year=year,
                    usao_district=rng.choice(DISTRICTS),
                    engagement_level=rng.choice(list(Site.EngagementLevel.values))
                    if year in (2017, 2018)
                    else "",
                    phase=phases[phase_index],
                    phase_started_on=start + datetime.timedelta(days=120 * phase_index),
                    start_date=start,
                    expected_end_date=start.replace(year=start.year + 3),
                    liaison=rng.choice(liaisons),
                    summary=_text(rng, 30),
                    internal_notes=_text(rng, 15),
                )
            )
        sites = _bulk(Site, site_rows, summary)
        sel_by_app = {a.pk: s for s in sites if (a := s.application) is not None}
        for d in decisions:
            if d.application_id in sel_by_app:
                d.site = sel_by_app[d.application_id]
        Decision.objects.bulk_update(
            [d for d in decisions if d.site_id], ["site"], batch_size=BATCH
        )
        site_phases, liaison_rows, focus_rows, team, goals, narratives = [], [], [], [], [], []
        halves = _recent_halves(today, 4)
        for s in sites:
            for k in range(phases.index(s.phase) + 1):
                site_phases.append(
                    SitePhase(
                        site=s,
                        phase=phases[k],
                        started_on=s.start_date + datetime.timedelta(days=120 * k),
                        recorded_by=admin,
                    )
                )
            liaison_rows.append(
                SiteLiaisonAssignment(
                    site=s, liaison_id=s.liaison_id, started_on=s.start_date, assigned_by=admin
                )
            )
            for fa in rng.sample(FOCUS, 3):
                focus_rows.append(SiteFocusArea(site=s, focus_area=fa))
            for role in rng.sample(list(TeamMember.Role.values), 5):
                team.append(
                    TeamMember(
                        site=s,
                        role=role,
                        name=f"Member {rng.randint(1, 99999)}",
                        title="Official",
                        organisation="Agency",
                        email=f"member{rng.randint(1, 99999)}@example.gov",
                    )
                )
            for g in range(4):
                goals.append(
                    Goal(
                        site=s,
                        title=_text(rng, 8),
                        target_date=s.start_date + datetime.timedelta(days=200 * (g + 1)),
                        status=rng.choice(list(Goal.Status.values)),
                    )
                )
            for year, half in halves:
                narratives.append(
                    NarrativeUpdate(
                        site=s,
                        year=year,
                        half=half,
                        narrative=_text(rng, 60),
                        engagements_delivered=rng.randint(0, 40),
                        hours_delivered=Decimal(rng.randint(0, 400)),
                        author_id=s.liaison_id,
                    )
                )
        for model, rows in (
            (SitePhase, site_phases),
            (SiteLiaisonAssignment, liaison_rows),
            (SiteFocusArea, focus_rows),
            (TeamMember, team),
            (Goal, goals),
            (NarrativeUpdate, narratives),
        ):
            _bulk(model, rows, summary)

        # Engagements: 1,000 on the first site (the big site report), the rest spread.
        n_eng = BASE["engagements"] * scale
        owners = [sites[0]] * BIG_SITE_ENGAGEMENTS + [
            rng.choice(sites[1:]) for _ in range(n_eng - BIG_SITE_ENGAGEMENTS)
        ]
        types = list(Engagement.Type.values)
        deliveries = list(Engagement.Delivery.values)
        engagements = []
        for n, s in enumerate(owners):
            if n < BIG_SITE_ENGAGEMENTS:  # all in the past: the report lists 1,000 delivered
                start = today - datetime.timedelta(days=rng.randint(1, 3 * 365))
            else:
                start = s.start_date + datetime.timedelta(days=rng.randint(0, 3 * 365))
            if start > today:
                status = Engagement.Status.PLANNED
            elif n < BIG_SITE_ENGAGEMENTS:
                status = Engagement.Status.DELIVERED
            else:
                status = (
                    Engagement.Status.CANCELLED
                    if rng.random() < 0.05
                    else Engagement.Status.DELIVERED
                )
            delivered = status == Engagement.Status.DELIVERED
            engagements.append(
                Engagement(
                    site=s,
                    tracking_number=f"BENCH-{n:08d}",
                    title=_text(rng, 5)[:200],
                    type=rng.choice(types),
                    focus_areas=rng.sample(FOCUS, rng.randint(1, 3)),
                    provider=rng.choice(["BJA", "ATF", "FBI", "CNA", "IIR", "NPC"]),
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.randint(0, 3)),
                    delivery=rng.choice(deliveries),
                    hours=Decimal(rng.randint(1, 80)),
                    participants=rng.randint(3, 120) if delivered else None,
                    agencies_represented=rng.randint(1, 12) if delivered else None,
                    target_audience="Command staff and analysts",
                    status=status,
                    summary=_text(rng, 25),
                    outcomes=_text(rng, 15) if delivered else "",
                    internal_notes=_text(rng, 8),
                    cancellation_reason="Rescheduled." if not delivered and start <= today else "",
                    delivered_at=now if delivered else None,
                    cancelled_at=now if status == Engagement.Status.CANCELLED else None,
                    created_by_id=s.liaison_id,
                )
            )
        engagements = _bulk(Engagement, engagements, summary)
        follow_ups = [
            FollowUpAction(
                engagement=e,
                site_id=e.site_id,  # bulk_create: FollowUpAction.save does not run
                description=_text(rng, 6),
                owner="Liaison",
                due_date=e.end_date + datetime.timedelta(days=30),
                done=rng.random() < 0.6,
            )
            for e in engagements
            if rng.random() < 0.5
        ]
        _bulk(FollowUpAction, follow_ups, summary)

        # Outcomes (issue 17): 8 years per site (3 baseline, 5 after), mostly verified,
        # about one year in twenty missing and a few still waiting for the liaison.
        outcome_rows = []
        for s in sites:
            rate, population = rng.uniform(700, 1600), rng.randint(50_000, 900_000)
            trend = rng.uniform(-0.08, 0.04)
            for year in range(s.cohort_year - 3, s.cohort_year + 5):
                if year >= today.year or rng.random() < 0.05:
                    continue
                rate *= 1 + (trend if year >= s.cohort_year else 0) + rng.uniform(-0.03, 0.03)
                population = int(population * rng.uniform(0.99, 1.015))
                offenses = int(rate * population / 100000)
                outcome_rows.append(
                    OutcomeYear(
                        site=s, year=year, is_baseline=year < s.cohort_year,
                        status=OutcomeYear.Status.SUBMITTED if rng.random() < 0.05
                        else OutcomeYear.Status.VERIFIED,
                        murder=offenses // 50, rape=offenses // 12, robbery=offenses // 4,
                        aggravated_assault=offenses - offenses // 50 - offenses // 12 - offenses // 4,
                        population=population, source=OutcomeYear.Source.UCR_NIBRS,
                    )
                )  # fmt: skip
        _bulk(OutcomeYear, outcome_rows, summary)
    return summary


def _recent_halves(today: datetime.date, count: int) -> list[tuple[int, int]]:
    year, half = today.year, 1 if today.month <= 6 else 2
    out = []
    for _ in range(count):
        half, year = (2, year - 1) if half == 1 else (1, year)
        out.append((year, half))
    return out


def _bulk_sections(apps, rng, summary, question_set, cert_text, now) -> None:
    """Every section of every SOI filled, as a complete draft or a filing has them."""
    contacts, figures, letters, certs, answers = [], [], [], [], []
    for a in apps:
        for role in Contact.Role.values:
            contacts.append(
                Contact(
                    application=a,
                    role=role,
                    name=f"{role.replace('_', ' ').title()} {a.pk}",
                    title="Official",
                    email=f"{role}{a.pk}@example.gov",
                    phone="202-555-0147",
                )
            )
        population = a.population
        for year in (a.cycle.year - 3, a.cycle.year - 2, a.cycle.year - 1):
            counts = {
                "murder": rng.randint(5, 200),
                "rape": rng.randint(20, 600),
                "robbery": rng.randint(50, 3000),
                "aggravated_assault": rng.randint(200, 8000),
            }
            figures.append(
                CrimeFigures(
                    application=a,
                    year=year,
                    population=population,
                    data_source=CrimeFigures.Source.UCR_NIBRS,
                    rate=violent_crime_rate(sum(counts.values()), population),
                    **counts,
                )
            )
        for kind in Letter.REQUIRED_KINDS:
            # A path only: pages list letters, they never open the file.
            letters.append(
                Letter(
                    application=a,
                    kind=kind,
                    file=f"applications/letters/bench/{a.pk}-{kind}.pdf",
                    original_name=f"{kind}.pdf",
                    size_bytes=1024,
                    sha256="0" * 64,
                    uploaded_by_id=a.created_by_id,
                )
            )
        submitted = a.status != Application.Status.DRAFT
        certs.append(
            Certification(
                application=a,
                clo_name="Pat Counsel",
                clo_title="City Attorney",
                clo_email="counsel@example.gov",
                certifies=True,
                typed_signature="Pat Counsel",
                text_version=cert_text if submitted else None,
                text_sha256=cert_text.sha256 if submitted else "",
                signed_at=a.submitted_at,
                signer_ip="127.0.0.1" if submitted else None,
                signer_id=a.created_by_id if submitted else None,
            )
        )
        for number in (1, 2, 3):
            answers.append(
                IceAnswer(
                    application=a,
                    question_number=number,
                    answer=rng.choice(IceAnswer.Answer.values),
                    explanation=_text(rng, 10),
                    question_set=question_set,
                )
            )
    for model, rows in (
        (Contact, contacts),
        (CrimeFigures, figures),
        (Letter, letters),
        (Certification, certs),
        (IceAnswer, answers),
    ):
        _bulk(model, rows, summary)
