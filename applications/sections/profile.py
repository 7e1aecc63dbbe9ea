"""1. Jurisdiction: population, lead agency and its ORI, judicial district, optional UEI."""

from accounts.geography import STATE_CHOICES
from accounts.models import Jurisdiction
from program.districts import JUDICIAL_DISTRICTS

from ..forms import ProfileForm
from ..models import Application
from .base import Section, label_of, own_keys

FIELDS = tuple(ProfileForm.base_fields)  # stored on the Application itself
REQUIRED = {
    "population": "Population",
    "population_year": "Population year",
    "lead_agency_name": "Lead law-enforcement agency",
    "lead_agency_ori": "Lead agency ORI",
    "judicial_district": "Federal judicial district",
}


def missing(app: Application) -> list[str]:
    return [label for name, label in REQUIRED.items() if getattr(app, name) in (None, "")]


def forms(app: Application, data=None) -> list:
    return [ProfileForm(data, initial={name: getattr(app, name) for name in FIELDS})]


def cleaned(forms: list) -> dict:
    return dict(forms[0].cleaned_data)


def save(locked: Application, data: dict, actor) -> list[str]:
    fields = own_keys(data, FIELDS, "profile")
    for name in fields:
        setattr(locked, name, data[name])
    return fields


def snapshot(app: Application) -> dict:
    jurisdiction = app.jurisdiction
    return {
        "id": jurisdiction.pk,
        "legal_name": jurisdiction.name,
        "type": jurisdiction.kind,
        "type_label": label_of(Jurisdiction.Kind.choices, jurisdiction.kind),
        "state": jurisdiction.state,
        "state_name": label_of(STATE_CHOICES, jurisdiction.state),
        "population": app.population,
        "population_year": app.population_year,
        "lead_agency_name": app.lead_agency_name,
        "lead_agency_ori": app.lead_agency_ori,
        "judicial_district": app.judicial_district,
        "judicial_district_name": label_of(JUDICIAL_DISTRICTS, app.judicial_district),
        "uei": app.uei,
    }


SECTION = Section(
    key="profile",
    title="Jurisdiction",
    missing=missing,
    snapshot_key="jurisdiction",
    snapshot=snapshot,
    summary_template="applications/sections/profile_summary.html",
    select_related=("jurisdiction",),
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/profile.html",
)
