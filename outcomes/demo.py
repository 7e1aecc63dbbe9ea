"""Demonstration outcome figures (a demo step; see demo/loader.py). Idempotent.

Realistic trends, not real figures: each site starts from a baseline well above
the national rate and follows one of four shapes, so the pages and the report
show every case: falling faster than the nation, falling with it, flat and rising.
Baltimore has no 2021 figures (the FBI's NIBRS transition year, when many large
agencies did not report) and Kansas City's 2020 population jumps by more than 10%
(flagged). The two "(demo)" 2024 sites belong to the demo liaison: one has 2024
submitted and waiting for verification, the other 2024 returned; 2025 is due.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from sites.models import Site

from .models import OutcomeDueDate, OutcomeYear
from .selectors import tracked_years
from .services import (
    outcome_baseline_from_soi,
    outcome_due_date_set,
    outcome_enter,
    outcome_return,
    outcome_verify,
    outcomes_open_due,
)

# Yearly change of the rate after the baseline, by shape (the nation moved about -1% a year).
SHAPES = {"falling_fast": -0.07, "falling": -0.02, "flat": 0.0, "rising": 0.04}
MISSING = {("City of Baltimore", 2021)}
POPULATION_JUMP = {("City of Kansas City", 2020): 1.14}
SHARES = {"murder": 0.02, "rape": 0.07, "robbery": 0.26}  # the rest: aggravated assault


def _user(email):
    return get_user_model().objects.filter(email=email).first()


def _figures(rate: float, population: int) -> dict:
    offenses = round(rate * population / 100000)
    counts = {name: round(offenses * share) for name, share in SHARES.items()}
    counts["aggravated_assault"] = offenses - sum(counts.values())
    return {**counts, "population": population, "source": OutcomeYear.Source.UCR_NIBRS}


def _plan(site: Site, last_year: int) -> dict[int, dict]:
    """Year -> figures for one site, from a generator seeded by the site's name."""
    rng = random.Random(f"{site.jurisdiction.name}-{site.cohort_year}")
    shape = list(SHAPES)[rng.randrange(len(SHAPES))]
    rate = rng.uniform(900, 1700)
    population = rng.randrange(60_000, 900_000)
    plan = {}
    for year in tracked_years(site, []):
        if year > last_year:
            break
        after_start = year >= site.start_date.year
        rate *= 1 + (SHAPES[shape] if after_start else 0) + rng.uniform(-0.03, 0.03)
        population = int(population * (1 + rng.uniform(-0.01, 0.015)))
        population = int(population * POPULATION_JUMP.get((site.jurisdiction.name, year), 1))
        if (site.jurisdiction.name, year) not in MISSING:
            plan[year] = _figures(rate, population)
    return plan


def load_demo_outcomes() -> list[str]:
    admin = _user("admin@demo.psp.gov")
    liaison = _user("liaison@demo.psp.gov")
    if admin is None:
        return ["Demo outcomes skipped: no demo admin."]
    today = timezone.localdate()
    last_complete = today.year - 1  # the latest year that has ended
    for site in Site.objects.filter(application__isnull=False):
        outcome_baseline_from_soi(site=site)
    created = 0
    for site in Site.objects.select_related("jurisdiction", "liaison").order_by("pk"):
        if OutcomeYear.objects.filter(site=site).exclude(origin=OutcomeYear.Origin.SOI).exists():
            continue  # already loaded
        demo_site = site.jurisdiction.name.endswith("(demo)")
        # The demo sites report up to the year before last; the latest year is left due.
        last = last_complete - 1 if demo_site else min(last_complete - 1, 2024)
        verifier = site.liaison or admin
        for year, figures in _plan(site, last).items():
            if OutcomeYear.objects.filter(site=site, year=year).exists():
                continue  # an SOI baseline year
            row = outcome_enter(site=site, year=year, actor=admin, submit=True, **figures)
            created += 1
            if demo_site and year == last:
                if site.jurisdiction.name.startswith("Lakeside"):
                    outcome_return(
                        outcome=row,
                        reason="Aggravated assault is 30% above the agency's published figure; check the NIBRS extract.",
                        actor=verifier,
                    )
                continue  # Riverton's stays submitted: the liaison has one to verify
            outcome_verify(outcome=row, actor=verifier)
    if liaison is not None and not OutcomeDueDate.objects.filter(year=last_complete).exists():
        outcome_due_date_set(
            # 1 October, or today before October, so the demo always has a due year.
            year=last_complete,
            due_on=min(datetime.date(today.year, 10, 1), today),
            actor=admin,
        )
        # Open the due years now rather than after commit (idempotent; the reminders
        # still leave after commit), so the demo is the same with or without a worker.
        outcomes_open_due(today=today)
    return [
        f"Demo outcomes: {created} site-years entered ({OutcomeYear.objects.count()} in all; "
        f"{last_complete} figures due)."
    ]
