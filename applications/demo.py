"""Demo cycles and Statements of Interest (a demo step; see demo/loader.py).

Development only. Everything goes through the applications services (so the history
and the frozen snapshots are what a real filing leaves) and is keyed by natural keys:
a national rate by (year, edition), a cycle by (year, name), a jurisdiction by
(name, state, kind), an SOI by (cycle, jurisdiction). A second run finds them and
creates nothing.

The earlier cycle is closed, but SOIs can only be started and submitted while a
cycle is open, so the loader reopens it for the moment it back-fills them (a plain
UPDATE, restored before the step commits: the cycle's history shows only its real
dates). Their submission times are therefore the time of the first load.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from accounts import roles
from accounts.models import Jurisdiction, User
from program.focus_areas import FocusArea

from .factories_support import (
    certification_text_v1,
    officer_account,
    pdf_bytes,
    question_set_v1,
)
from .models import Application, Contact, CrimeFigures, Cycle, IceAnswer, Letter, NationalCrimeRate
from .services import (
    application_section_save,
    application_start,
    application_submit,
    application_withdraw,
    cycle_save,
    letter_add,
    national_rate_save,
    signature_request_open,
    signature_request_send,
    signature_sign,
)

EASTERN = ZoneInfo("America/New_York")
ADMIN_EMAIL = "admin@demo.psp.gov"
APPLICANT_EMAIL = "applicant@demo.psp.gov"
DEMO_IP = "127.0.0.1"
FBI = "FBI Crime in the United States"

# (year, rate, edition): DOMAIN.md's national violent-crime rates as first published,
# plus the revised 2019 figure, so the table shows why the edition is part of the key.
NATIONAL_RATES = [
    (2016, "386.3", f"{FBI}, 2016 (first published)"),
    (2017, "382.9", f"{FBI}, 2017 (first published)"),
    (2018, "368.9", f"{FBI}, 2018 (first published)"),
    (2019, "366.7", f"{FBI}, 2019 (first published)"),
    (2019, "380.8", f"{FBI}, 2019 (revised)"),
    (2020, "387.8", f"{FBI}, 2020 (first published)"),
    (2022, "380.7", f"{FBI}, 2022 (first published)"),
]
POPULATION_MIN = 50_000


@dataclass(frozen=True)
class DemoCity:
    """A jurisdiction filing in the demo, with plausible (not official) figures."""

    name: str
    state: str
    district: str
    population: int
    rate: int  # violent crimes per 100,000 in the latest year
    agency: str
    ori: str
    focus: tuple[str, ...]
    mayor: str
    chief: str

    @property
    def slug(self) -> str:
        return slugify(self.name.removeprefix("City of "))

    @property
    def short(self) -> str:
        return self.name.removeprefix("City of ")


CA, GV, CE = FocusArea.CRIME_ANALYSIS, FocusArea.GUN_VIOLENCE, FocusArea.COMMUNITY_ENGAGEMENT
CLOSED_CYCLE_CITIES = [
    DemoCity("City of Shreveport", "LA", "LAW", 180_000, 1_150, "Shreveport Police Department",
             "LA0090200", (GV, CA), "Dana Whitfield", "Marcus Greer"),
    DemoCity("City of Little Rock", "AR", "ARE", 203_000, 1_580, "Little Rock Police Department",
             "AR0600200", (GV, CE), "Terrence Hall", "Angela Boyd"),
    DemoCity("City of Stockton", "CA", "CAE", 322_000, 1_330, "Stockton Police Department",
             "CA0390600", (CA, CE), "Maria Delgado", "Ray Navarro"),
    DemoCity("City of Flint", "MI", "MIE", 80_000, 1_870, "Flint Police Department",
             "MI2522600", (GV,), "Curtis Lane", "Denise Porter"),
    DemoCity("City of Albuquerque", "NM", "NM", 560_000, 1_340, "Albuquerque Police Department",
             "NM0010100", (CA, GV, CE), "Elena Ortiz", "Victor Chavez"),
    DemoCity("City of Dayton", "OH", "OHS", 137_000, 1_040, "Dayton Police Department",
             "OH0570300", (CE,), "Janet Moore", "Kevin Ellis"),
]  # fmt: skip
# Withdrawn after submitting (the reason is kept and audited).
WITHDRAWN_CITY = "City of Dayton"
OPEN_CYCLE_CITIES = [
    DemoCity("City of Rockford", "IL", "ILN", 148_000, 1_390, "Rockford Police Department",
             "IL1010300", (GV, CA), "Tom Keller", "Carla Reyes"),
    DemoCity("City of South Bend", "IN", "INN", 103_000, 1_090, "South Bend Police Department",
             "IN0710300", (CE, CA), "Nina Patel", "Scott Ruiz"),
    DemoCity("City of Beaumont", "TX", "TXE", 113_000, 1_010, "Beaumont Police Department",
             "TX1230200", (GV,), "Lloyd Fontenot", "Renee Guidry"),
]  # fmt: skip
TOLEDO = DemoCity("City of Toledo", "OH", "OHN", 265_000, 1_270, "Toledo Police Department",
                  "OH0480700", (GV, CA), "Chris Novak", "Diane Serrano")  # fmt: skip


def _eastern(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=EASTERN)


def _user(email: str) -> User:
    return User.objects.get(email=email)


# --- reference data and cycles --------------------------------------------------------------


def _ensure_rates(admin: User) -> tuple[int, NationalCrimeRate]:
    created = 0
    for year, rate, edition in NATIONAL_RATES:
        if not NationalCrimeRate.objects.filter(year=year, source_edition=edition).exists():
            national_rate_save(
                rate=NationalCrimeRate(
                    year=year, rate=Decimal(rate), source_edition=edition, source=f"{FBI}, Table 1"
                ),
                actor=admin,
            )
            created += 1
    latest = NationalCrimeRate.objects.order_by("-year", "source_edition").first()
    return created, latest


def cycle_name(year: int) -> str:
    return f"PSP {year} Statement of Interest"


def open_cycle_year() -> int:
    """Next year's cycle, or the one an earlier load made last year (so a run after New
    Year finds the existing demo instead of starting a second one)."""
    this_year = timezone.localdate().year
    for year in (this_year + 1, this_year):
        if Cycle.objects.filter(year=year, name=cycle_name(year)).exists():
            return year
    return this_year + 1


def _ensure_cycle(*, year: int, opens_at, closes_at, max_sites, rate, admin) -> tuple[Cycle, bool]:
    name = cycle_name(year)
    existing = Cycle.objects.filter(year=year, name=name).first()
    if existing is not None:
        return existing, False
    cycle = Cycle(
        name=name,
        year=year,
        opens_at=opens_at,
        closes_at=closes_at,
        population_min=POPULATION_MIN,
        population_max=None,
        national_rate=rate,
        certification_text=certification_text_v1(),
        question_set=question_set_v1(),
        max_sites=max_sites,
    )
    return cycle_save(cycle=cycle, actor=admin), True


def demo_cycles(admin: User, rate: NationalCrimeRate) -> tuple[Cycle, Cycle, int]:
    """The open cycle (next year's) and the closed one before it; returns (open, closed, new)."""
    today = timezone.localdate()
    # Dates are set on the first load only: later runs find the cycles by (year, name).
    open_cycle, new_open = _ensure_cycle(
        year=open_cycle_year(),
        opens_at=_eastern(today - datetime.timedelta(days=21), 9),
        closes_at=_eastern(today + datetime.timedelta(days=60), 23, 59),
        max_sites=5,
        rate=rate,
        admin=admin,
    )
    closed_cycle, new_closed = _ensure_cycle(
        year=open_cycle_year() - 1,
        opens_at=_eastern(today - datetime.timedelta(days=270), 9),
        closes_at=_eastern(today - datetime.timedelta(days=215), 23, 59),
        max_sites=3,
        rate=rate,
        admin=admin,
    )
    return open_cycle, closed_cycle, int(new_open) + int(new_closed)


@contextmanager
def _accepting_submissions(cycle: Cycle):
    """Let the loader back-fill SOIs into a closed cycle, then restore its deadline.

    A queryset UPDATE on purpose: no history row, so the audit shows the real dates.
    """
    if cycle.is_open():
        yield
        return
    original = cycle.closes_at
    cycle.closes_at = timezone.now() + datetime.timedelta(hours=1)
    Cycle.objects.filter(pk=cycle.pk).update(closes_at=cycle.closes_at)
    try:
        yield
    finally:
        Cycle.objects.filter(pk=cycle.pk).update(closes_at=original)
        cycle.refresh_from_db()


# --- applicants and their SOIs --------------------------------------------------------------


def officer_email(city: DemoCity) -> str:
    """The chief legal officer named in the city's certification section."""
    return _officer(city)["clo_email"]


def member_email(city: DemoCity) -> str:
    return f"member@{city.slug}.demo.psp.gov"


def _ensure_member(city: DemoCity) -> User:
    """A placeholder applicant for a demo jurisdiction: it cannot sign in (no password)."""
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        name=city.name, state=city.state, kind=Jurisdiction.Kind.CITY
    )
    user, created = User.objects.get_or_create(
        email=member_email(city),
        defaults={"full_name": f"{city.short} grants office", "jurisdiction": jurisdiction},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.APPLICANT))
        # Submitting needs a confirmed address, as for a real applicant.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _crime_rows(city: DemoCity, years: list[int], count: int | None = None) -> dict:
    """Three years of counts around the city's rate (a little higher in earlier years)."""
    rows = {}
    for index, year in enumerate(years[: count or len(years)]):
        trend = Decimal("1.00") + Decimal("0.04") * (len(years) - 1 - index)
        population = city.population - 800 * (len(years) - 1 - index)
        total = int(Decimal(city.rate) * trend * population / 100_000)
        murder = max(1, total * 25 // 1000)
        rape = total * 9 // 100
        robbery = total * 21 // 100
        rows[year] = {
            "murder": murder,
            "rape": rape,
            "robbery": robbery,
            "aggravated_assault": total - murder - rape - robbery,
            "population": population,
            "data_source": CrimeFigures.Source.UCR_NIBRS,
        }
    return rows


def _contacts(city: DemoCity) -> dict:
    domain = f"{city.slug}.example.gov"
    people = {
        Contact.Role.CHIEF_EXECUTIVE: (city.mayor, "Mayor", "mayor"),
        Contact.Role.AGENCY_HEAD: (city.chief, "Chief of Police", "chief"),
        Contact.Role.PROSECUTOR: ("Jordan Avery", "District Attorney", "da"),
        Contact.Role.CHIEF_LEGAL_OFFICER: ("Pat Morgan", "City Attorney", "law"),
        Contact.Role.POINT_OF_CONTACT: ("Sam Rivera", "Grants Manager", "grants"),
    }
    return {
        role: {"name": name, "title": title, "email": f"{box}@{domain}", "phone": "202-555-0147"}
        for role, (name, title, box) in people.items()
    }


def _narrative(city: DemoCity, *, complete: bool = True) -> dict:
    data = {
        "narrative_problem": (
            f"Violent crime in {city.short} has stayed well above the national rate for three "
            "years; most shootings are concentrated in a few neighborhoods and involve a small "
            "number of groups."
        ),
        "narrative_strategies": (
            "Project Safe Neighborhoods focused deterrence with the U.S. Attorney's Office, a "
            "hospital-based violence interruption program and hot-spot patrols."
        ),
        "narrative_partnerships": "",
        "narrative_leadership": "",
        "narrative_tta": "",
        "tta_focus_areas": [],
    }
    if complete:
        data |= {
            "narrative_partnerships": (
                "Weekly shooting reviews with ATF, the FBI safe streets task force, the "
                "county prosecutor and state probation and parole."
            ),
            "narrative_leadership": (
                f"The mayor and the chief of the {city.agency} have committed a deputy chief "
                "and two analysts to the partnership for three years."
            ),
            "narrative_tta": (
                "Help standing up a real-time crime-analysis unit, NIBIN lead follow-up and "
                "a community-engagement plan for the most affected neighborhoods."
            ),
            "tta_focus_areas": list(city.focus),
        }
    return data


def _profile(city: DemoCity, cycle: Cycle) -> dict:
    return {
        "population": city.population,
        "population_year": cycle.year - 1,
        "lead_agency_name": city.agency,
        "lead_agency_ori": city.ori,
        "judicial_district": city.district,
        "uei": "",
    }


def _save(application: Application, section: str, data: dict, actor: User) -> None:
    application_section_save(
        application=application, section=section, data=data, loaded_version=None, actor=actor
    )


def _fill_completely(application: Application, city: DemoCity, actor: User) -> None:
    cycle = application.cycle
    _save(application, "profile", _profile(city, cycle), actor)
    _save(application, "contacts", _contacts(city), actor)
    _save(application, "crime", _crime_rows(city, cycle.crime_years), actor)
    _save(application, "narrative", _narrative(city), actor)
    for kind in Letter.REQUIRED_KINDS:
        upload = SimpleUploadedFile(
            f"{kind}-letter.pdf", pdf_bytes(), content_type="application/pdf"
        )
        letter_add(application=application, kind=kind, upload=upload, actor=actor)
    _save(
        application,
        "certification",
        _officer(city),
        actor,
    )
    _save(
        application,
        "ice",
        {
            1: (IceAnswer.Answer.YES, ""),
            2: (IceAnswer.Answer.YES, ""),
            3: (
                IceAnswer.Answer.NOT_APPLICABLE,
                "The county sheriff, not the city, runs the jail.",
            ),
        },
        actor,
    )
    _officer_signs(application, city, actor)


def _officer(city: DemoCity) -> dict:
    return {
        "clo_name": "Pat Morgan",
        "clo_title": "City Attorney",
        "clo_email": f"law@{city.slug}.example.gov",
    }


def _officer_signs(application: Application, city: DemoCity, actor: User) -> None:
    """The city attorney signs personally, through the same services as the mailed link."""
    signing, token = signature_request_send(application=application, actor=actor)
    officer = officer_account(signing.officer_email, signing.officer_name)
    signing = signature_request_open(token=token, actor=officer)
    signature_sign(
        request=signing,
        actor=officer,
        certifies=True,
        explanation="",
        typed_name=officer.full_name,
        ip=DEMO_IP,
        user_agent="PSP demo loader",
    )


def _ensure_submitted(cycle: Cycle, city: DemoCity) -> tuple[Application, bool]:
    member = _ensure_member(city)
    existing = Application.objects.filter(cycle=cycle, jurisdiction=member.jurisdiction).first()
    if existing is not None:
        return existing, False
    application, _ = application_start(cycle=cycle, actor=member)
    _fill_completely(application, city, member)
    application = application_submit(
        application=application, actor=member, ip=DEMO_IP, attested=True
    )
    return application, True


def _ensure_toledo_draft(cycle: Cycle) -> tuple[Application, bool]:
    """The demo applicant's draft: some sections complete, some in progress, some not started."""
    applicant = _user(APPLICANT_EMAIL)
    existing = Application.objects.filter(cycle=cycle, jurisdiction=applicant.jurisdiction).first()
    if existing is not None:
        return existing, False
    application, _ = application_start(cycle=cycle, actor=applicant)
    _save(application, "profile", _profile(TOLEDO, cycle), applicant)
    _save(application, "contacts", _contacts(TOLEDO), applicant)
    # Two of the three years typed so far; half the narrative written.
    _save(application, "crime", _crime_rows(TOLEDO, cycle.crime_years, count=2), applicant)
    _save(application, "narrative", _narrative(TOLEDO, complete=False), applicant)
    # The city attorney has been asked to sign, opened the mailed link and has not
    # signed yet: signing in as the officer (README) leads from the dashboard to the page.
    _save(application, "certification", _officer(TOLEDO), applicant)
    signing, token = signature_request_send(application=application, actor=applicant)
    officer = officer_account(signing.officer_email, signing.officer_name)
    signature_request_open(token=token, actor=officer)
    return application, True


def load_demo_applications() -> list[str]:
    """Demo step: national rates, an open and a closed cycle, and SOIs in several states."""
    admin = _user(ADMIN_EMAIL)
    new_rates, latest = _ensure_rates(admin)
    open_cycle, closed_cycle, new_cycles = demo_cycles(admin, latest)

    new_soi = 0
    with _accepting_submissions(closed_cycle):
        for city in CLOSED_CYCLE_CITIES:
            application, created = _ensure_submitted(closed_cycle, city)
            new_soi += created
            if created and city.name == WITHDRAWN_CITY:
                application_withdraw(
                    application=application,
                    actor=_user(member_email(city)),
                    reason="The city council moved the violence-reduction budget to next year.",
                )
    for city in OPEN_CYCLE_CITIES:
        new_soi += _ensure_submitted(open_cycle, city)[1]
    new_soi += _ensure_toledo_draft(open_cycle)[1]

    total_soi = len(CLOSED_CYCLE_CITIES) + len(OPEN_CYCLE_CITIES) + 1
    return [
        f"Demo national rates: {new_rates} new, {len(NATIONAL_RATES) - new_rates} already there "
        f"(cycles compare against {latest}).",
        f"Demo cycles: {new_cycles} new, {2 - new_cycles} already there "
        f"('{open_cycle}' open until "
        f"{timezone.localtime(open_cycle.closes_at).strftime('%B %-d, %Y %-I:%M %p ET')}; "
        f"'{closed_cycle}' closed).",
        f"Demo Statements of Interest: {new_soi} new, {total_soi - new_soi} already there "
        f"(the demo applicant's {TOLEDO.short} draft in {open_cycle.year}, "
        f"{len(OPEN_CYCLE_CITIES)} submitted in {open_cycle.year}, "
        f"{len(CLOSED_CYCLE_CITIES)} in {closed_cycle.year} of which 1 withdrawn).",
    ]
