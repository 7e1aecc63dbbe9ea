"""The SOI's sections, what each still misses, and the progress list built from the data.

Completeness is computed from what is stored, never from the template, so the review
page, the progress list and `application_submit` agree.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from .models import Application, Contact, IceAnswer, Letter

NOT_STARTED, IN_PROGRESS, COMPLETE = "not_started", "in_progress", "complete"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETE: "Complete"}

# (key, title) in filing order; "review" is the last step and has no data of its own.
SECTIONS = [
    ("profile", "Jurisdiction"),
    ("contacts", "Contacts"),
    ("crime", "Violent-crime figures"),
    ("narrative", "Narrative"),
    ("letters", "Letters of commitment"),
    ("certification", "Section 1373 certification"),
    ("ice", "ICE-cooperation questions"),
]
SECTION_KEYS = [key for key, _ in SECTIONS]
SECTION_TITLES = dict(SECTIONS)

PROFILE_REQUIRED = {
    "population": "Population",
    "population_year": "Population year",
    "lead_agency_name": "Lead law-enforcement agency",
    "lead_agency_ori": "Lead agency ORI",
    "judicial_district": "Federal judicial district",
}
NARRATIVE_REQUIRED = {
    "narrative_problem": "Violent crime problem and trend",
    "narrative_strategies": "Current strategies",
    "narrative_partnerships": "Partnerships",
    "narrative_leadership": "Leadership commitment and readiness",
    "narrative_tta": "Training and technical assistance wanted",
}
CONTACT_FIELDS = {"name": "name", "title": "title", "email": "email", "phone": "phone"}


@dataclass
class SectionProgress:
    key: str
    title: str
    state: str
    missing: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def section_url(application: Application, key: str) -> str:
    if key == "letters":
        return reverse("applications:letters", args=[application.pk])
    return reverse("applications:section", args=[application.pk, key])


def _missing_profile(app: Application) -> list[str]:
    return [label for name, label in PROFILE_REQUIRED.items() if getattr(app, name) in (None, "")]


def _missing_contacts(app: Application) -> list[str]:
    by_role = {c.role: c for c in app.contacts.all()}
    missing = []
    for role, label in Contact.Role.choices:
        contact = by_role.get(role)
        gaps = [attr for attr in CONTACT_FIELDS if contact is None or not getattr(contact, attr)]
        if gaps:
            missing.append(f"{label}: {', '.join(gaps)}")
    return missing


def _missing_crime(app: Application) -> list[str]:
    have = {row.year for row in app.crime_figures.all()}
    return [f"Figures for {year}" for year in app.cycle.crime_years if year not in have]


def _missing_narrative(app: Application) -> list[str]:
    missing = [
        label for name, label in NARRATIVE_REQUIRED.items() if not getattr(app, name).strip()
    ]
    if not app.tta_focus_areas:
        missing.append("At least one TTA focus area")
    return missing


def _missing_letters(app: Application) -> list[str]:
    kinds = {letter.kind for letter in app.letters.all()}
    return [
        f"Letter from the {Letter.Kind(kind).label.lower()}"
        for kind in Letter.REQUIRED_KINDS
        if kind not in kinds
    ]


def _missing_certification(app: Application) -> list[str]:
    cert = getattr(app, "certification", None)
    if cert is None:
        return ["Chief legal officer's name, title and email", "Certify or explain why not"]
    missing = []
    for attr, label in (("clo_name", "name"), ("clo_title", "title"), ("clo_email", "email")):
        if not getattr(cert, attr):
            missing.append(f"Chief legal officer's {label}")
    if cert.certifies is None:
        missing.append("Certify or explain why not")
    elif cert.certifies and not cert.typed_signature:
        missing.append("Typed signature")
    elif cert.certifies is False and not cert.cannot_certify_explanation.strip():
        missing.append("Explanation of why the jurisdiction cannot certify")
    return missing


def _missing_ice(app: Application) -> list[str]:
    answers = {a.question_number: a for a in app.ice_answers.all()}
    missing = []
    for number in (1, 2, 3):
        answer = answers.get(number)
        if answer is None or not answer.answer:
            missing.append(f"Answer to question {number}")
        elif answer.answer != IceAnswer.Answer.YES and not answer.explanation.strip():
            missing.append(f"Explanation for question {number}")
    return missing


MISSING = {
    "profile": _missing_profile,
    "contacts": _missing_contacts,
    "crime": _missing_crime,
    "narrative": _missing_narrative,
    "letters": _missing_letters,
    "certification": _missing_certification,
    "ice": _missing_ice,
}


def _started(app: Application, key: str) -> bool:
    if key == "letters":
        return bool(app.letters.all())
    return key in (app.section_saves or {})


def application_progress(
    application: Application, *, with_urls: bool = True
) -> list[SectionProgress]:
    """Each section's state and what it misses. Prefetch sections to keep queries fixed.

    `with_urls=False` skips the seven `reverse()` calls for callers that only read the
    states (screening a page of 50 SOIs spent most of its time there)."""
    progress = []
    for key, title in SECTIONS:
        missing = MISSING[key](application)
        if not missing:
            state = COMPLETE
        elif _started(application, key):
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        url = section_url(application, key) if with_urls else ""
        progress.append(SectionProgress(key, title, state, missing, url))
    return progress


def is_complete(application: Application) -> bool:
    return all(
        section.state == COMPLETE for section in application_progress(application, with_urls=False)
    )


def with_sections(queryset):
    """Prefetch everything progress and the snapshot read."""
    # The certification is one row per SOI: joined, not a separate query.
    return queryset.select_related(
        "cycle__national_rate",
        "cycle__certification_text",
        "cycle__question_set",
        "jurisdiction",
        "certification",
    ).prefetch_related("contacts", "crime_figures", "letters", "ice_answers")
