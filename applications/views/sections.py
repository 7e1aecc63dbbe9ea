"""Editing one section of a draft SOI: forms per section, stale-save detection, input kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from ..access import can_edit, get_own_application_for
from ..crime import ratio_to_national
from ..forms import (
    CertificationForm,
    ContactsForm,
    CrimeYearForm,
    IceAnswersForm,
    NarrativeForm,
    ProfileForm,
)
from ..sections import SECTION_KEYS, SECTION_TITLES, application_progress
from ..services import ApplicationError, StaleSection, application_section_save
from ..texts import SECTION_1373_SUMMARY
from .common import load_full, posted_version

FORM_SECTIONS = ("profile", "contacts", "crime", "narrative", "certification", "ice")
PROFILE_FIELDS = list(ProfileForm.base_fields)
NARRATIVE_FIELDS = list(NarrativeForm.base_fields)


def _forms(section, application, data=None) -> list:
    """The section's bound (POST) or initial (GET) forms."""
    if section == "profile":
        initial = {name: getattr(application, name) for name in PROFILE_FIELDS}
        return [ProfileForm(data, initial=initial)]
    if section == "contacts":
        return [ContactsForm(data, initial=ContactsForm.initial_from(application.contacts.all()))]
    if section == "crime":
        rows = {row.year: row for row in application.crime_figures.all()}
        forms = []
        for year in application.cycle.crime_years:
            row = rows.get(year)
            initial = {}
            if row is not None:
                initial = {name: getattr(row, name) for name in CrimeYearForm.base_fields}
            forms.append(CrimeYearForm(data, year=year, initial=initial))
        return forms
    if section == "narrative":
        initial = {name: getattr(application, name) for name in NARRATIVE_FIELDS}
        return [NarrativeForm(data, initial=initial)]
    if section == "certification":
        cert = getattr(application, "certification", None)
        return [CertificationForm(data, initial=CertificationForm.initial_from(cert))]
    if section == "ice":
        return [
            IceAnswersForm(
                data,
                question_set=application.cycle.question_set,
                initial=IceAnswersForm.initial_from(application.ice_answers.all()),
            )
        ]
    raise Http404("No such section.")


def _cleaned(section, forms) -> dict:
    """Reshape the valid forms' data into what application_section_save expects."""
    form = forms[0]
    if section in ("profile", "narrative"):
        return dict(form.cleaned_data)
    if section == "contacts":
        return form.by_role()
    if section == "crime":
        return {f.year: dict(f.cleaned_data) for f in forms}
    if section == "certification":
        data = form.cleaned_data
        return {
            "clo_name": data["clo_name"].strip(),
            "clo_title": data["clo_title"].strip(),
            "clo_email": data["clo_email"],
            "certifies": form.certifies,
            "typed_signature": " ".join(data["typed_signature"].split()) if form.certifies else "",
            "cannot_certify_explanation": data["cannot_certify_explanation"].strip()
            if form.certifies is False
            else "",
        }
    if section == "ice":
        return form.answers()
    raise Http404


def _next_section(section: str) -> str | None:
    index = SECTION_KEYS.index(section)
    return SECTION_KEYS[index + 1] if index + 1 < len(SECTION_KEYS) else None


def _crime_rates(application) -> list[dict]:
    national = application.cycle.national_rate.rate
    return [
        {
            "year": row.year,
            "total": row.total,
            "population": row.population,
            "rate": row.rate,
            "ratio": ratio_to_national(row.rate, national),
        }
        for row in sorted(application.crime_figures.all(), key=lambda r: r.year)
    ]


# Applicants of the SOI's jurisdiction only (others get 404); saving needs a draft.
@login_required
def section_edit(request, pk, section):
    application = load_full(get_own_application_for(request.user, pk))
    if section not in FORM_SECTIONS:
        raise Http404("No such section.")
    editable = can_edit(request.user, application)
    conflict = None
    version = application.version
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        forms = _forms(section, application, request.POST)
        loaded = posted_version(request)
        version = loaded if loaded is not None else application.version
        if all(form.is_valid() for form in forms):
            try:
                application_section_save(
                    application=application,
                    section=section,
                    data=_cleaned(section, forms),
                    loaded_version=loaded,
                    actor=request.user,
                )
            except StaleSection as exc:
                # Nothing written; the page keeps what this user typed. The new version
                # lets a second, deliberate save go through after review.
                conflict = str(exc)
                version = exc.current_version
            except ApplicationError as exc:
                messages.error(request, str(exc))
                return redirect("applications:detail", pk=application.pk)
            else:
                messages.success(request, f"{SECTION_TITLES[section]} saved.")
                following = _next_section(section)
                if "continue" in request.POST:
                    if following is None:  # the last section: go on to review and submit
                        return redirect("applications:review", pk=application.pk)
                    if following == "letters":
                        return redirect("applications:letters", pk=application.pk)
                    return redirect("applications:section", pk=application.pk, section=following)
                return redirect("applications:section", pk=application.pk, section=section)
    else:
        forms = _forms(section, application)
    if not editable:
        for form in forms:
            for field in form.fields.values():
                field.disabled = True
    return render(
        request,
        "applications/application_section.html",
        {
            "application": application,
            "section": section,
            "section_title": SECTION_TITLES[section],
            "forms": forms,
            "version": version,
            "conflict": conflict,
            "editable": editable,
            "progress": application_progress(application),
            "crime_rates": _crime_rates(application) if section == "crime" else None,
            "national_rate": application.cycle.national_rate,
            "certification_text": application.cycle.certification_text,
            "question_set": application.cycle.question_set,
            "section_1373_summary": SECTION_1373_SUMMARY,
        },
    )
