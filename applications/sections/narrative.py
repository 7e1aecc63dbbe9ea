"""4. Narrative: five answers within the word limit and the TTA focus areas."""

from program.focus_areas import FocusArea

from ..forms import NarrativeForm
from ..models import Application
from .base import Section, own_keys

FIELDS = tuple(NarrativeForm.base_fields)  # stored on the Application itself
REQUIRED = {
    "narrative_problem": "Violent crime problem and trend",
    "narrative_strategies": "Current strategies",
    "narrative_partnerships": "Partnerships",
    "narrative_leadership": "Leadership commitment and readiness",
    "narrative_tta": "Training and technical assistance wanted",
}


def missing(app: Application) -> list[str]:
    gaps = [label for name, label in REQUIRED.items() if not getattr(app, name).strip()]
    if not app.tta_focus_areas:
        gaps.append("At least one TTA focus area")
    return gaps


def forms(app: Application, data=None) -> list:
    return [NarrativeForm(data, initial={name: getattr(app, name) for name in FIELDS})]


def cleaned(forms: list) -> dict:
    return dict(forms[0].cleaned_data)


def save(locked: Application, data: dict, actor) -> list[str]:
    fields = own_keys(data, FIELDS, "narrative")
    for name in fields:
        setattr(locked, name, data[name])
    return fields


def snapshot(app: Application) -> dict:
    return {
        "problem": app.narrative_problem,
        "strategies": app.narrative_strategies,
        "partnerships": app.narrative_partnerships,
        "leadership": app.narrative_leadership,
        "tta": app.narrative_tta,
        "tta_focus_areas": [a for a in FocusArea.values if a in app.tta_focus_areas],
        "tta_focus_area_labels": [
            str(a.label) for a in FocusArea if a.value in app.tta_focus_areas
        ],
    }


SECTION = Section(
    key="narrative",
    title="Narrative",
    missing=missing,
    snapshot_key="narrative",
    snapshot=snapshot,
    summary_template="applications/sections/narrative_summary.html",
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/narrative.html",
)
