"""Demonstration sites (a demo step; see demo/loader.py).

The 2017-2019 cohorts are the real PSP sites named in DOMAIN.md, entered as an
admin would enter earlier cohorts; their start dates and phase dates are
approximate. Two fictional 2024 sites, marked "(demo)" (DEMO_SITES), are assigned
to the demo liaison; engagements/demo.py then logs their engagements, so the
liaison's workspace is live.
"""

import datetime

from django.contrib.auth import get_user_model

from accounts.models import Jurisdiction

from .models import Site
from .services import (
    goal_save,
    site_assign_liaison,
    site_change_phase,
    site_create,
    team_member_save,
)

CITY, COUNTY = Jurisdiction.Kind.CITY, Jurisdiction.Kind.COUNTY

# (name, kind, state, USAO district, engagement level for 2017-2018)
COHORTS = {
    2017: [
        ("City of Birmingham", CITY, "AL", "ALN", "operations"),
        ("City of Indianapolis", CITY, "IN", "INS", "operations"),
        ("City of Memphis", CITY, "TN", "TNW", "operations"),
        ("City of Toledo", CITY, "OH", "OHN", "operations"),
        ("City of Baton Rouge", CITY, "LA", "LAM", "diagnostic"),
        ("City of Buffalo", CITY, "NY", "NYW", "diagnostic"),
        ("City of Cincinnati", CITY, "OH", "OHS", "diagnostic"),
        ("City of Houston", CITY, "TX", "TXS", "diagnostic"),
        ("City of Jackson", CITY, "TN", "TNW", "diagnostic"),
        ("City of Kansas City", CITY, "MO", "MOW", "diagnostic"),
        ("City of Lansing", CITY, "MI", "MIW", "diagnostic"),
        ("City of Springfield", CITY, "IL", "ILC", "diagnostic"),
    ],
    2018: [
        ("City of Saginaw", CITY, "MI", "MIE", "diagnostic"),
        ("City of Salisbury", CITY, "NC", "NCM", "diagnostic"),
        ("City of Kansas City", CITY, "MO", "MOW", "diagnostic"),
        ("City of Miami", CITY, "FL", "FLS", "diagnostic"),
        ("City of Tulsa", CITY, "OK", "OKN", "diagnostic"),
    ],
    2019: [
        ("City of Anniston", CITY, "AL", "ALN", ""),
        ("City of Oxford", CITY, "AL", "ALN", ""),
        ("Municipality of Anchorage", CITY, "AK", "AK", ""),
        ("City of Davenport", CITY, "IA", "IAS", ""),
        ("City of Wichita", CITY, "KS", "KS", ""),
        ("City of Baton Rouge", CITY, "LA", "LAM", ""),
        ("City of Baltimore", CITY, "MD", "MD", ""),
        ("City of Cleveland", CITY, "OH", "OHN", ""),
        ("City of Amarillo", CITY, "TX", "TXN", ""),
        ("Harris County", COUNTY, "TX", "TXS", ""),
    ],
}
PHASE_MONTHS = [
    (Site.Phase.STRATEGIC_PLANNING, 6),
    (Site.Phase.IMPLEMENTATION, 12),
    (Site.Phase.SUSTAINMENT, 24),
    (Site.Phase.GRADUATED, 36),
]
DEMO_SITES = [
    ("Riverton (demo)", CITY, "OH", "OHN"),
    ("Lakeside County (demo)", COUNTY, "MI", "MIW"),
]


def _months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def _user(email):
    return get_user_model().objects.filter(email=email).first()


def _site(name, kind, state, district, year, level, actor, start) -> tuple[Site, bool]:
    jurisdiction, _ = Jurisdiction.objects.get_or_create(name=name, state=state, kind=kind)
    existing = Site.objects.filter(jurisdiction=jurisdiction, cohort_year=year).first()
    if existing:
        return existing, False
    site = site_create(
        jurisdiction=jurisdiction,
        cohort_year=year,
        usao_district=district,
        engagement_level=level,
        start_date=start,
        actor=actor,
    )
    return site, True


def load_demo_sites() -> list[str]:
    admin = _user("admin@demo.psp.gov")
    liaison = _user("liaison@demo.psp.gov")
    created = 0
    for year, rows in COHORTS.items():
        start = datetime.date(year, 7, 1) if year == 2017 else datetime.date(year, 10, 1)
        for name, kind, state, district, level in rows:
            site, new = _site(name, kind, state, district, year, level, admin, start)
            if not new:
                continue
            created += 1
            for phase, months in PHASE_MONTHS:
                site = site_change_phase(
                    site=site, phase=phase, started_on=_months_later(start, months), actor=admin
                )

    for name, kind, state, district in DEMO_SITES:
        site, new = _site(name, kind, state, district, 2024, "", admin, datetime.date(2024, 10, 1))
        if not new:
            continue
        created += 1
        site = site_change_phase(
            site=site,
            phase=Site.Phase.STRATEGIC_PLANNING,
            started_on=datetime.date(2025, 4, 1),
            actor=admin,
        )
        if liaison is not None:
            site_assign_liaison(
                site=site, liaison=liaison, started_on=datetime.date(2024, 10, 1), actor=admin
            )
        team_member_save(site=site, role="executive", name="Jordan Mayor", title="Mayor",
                         organisation=name, actor=admin)  # fmt: skip
        team_member_save(site=site, role="usao", name="Sam Prosecutor", title="PSN coordinator",
                         organisation="U.S. Attorney's Office", actor=admin)  # fmt: skip
        goal_save(site=site, title="Reduce non-fatal shootings by 10% in two years",
                  target_date=datetime.date(2026, 12, 31), status="in_progress", actor=admin)  # fmt: skip
    return [f"Demo sites: {created} created ({Site.objects.count()} in all)."]
