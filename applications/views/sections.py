"""Editing one section of a draft SOI: the section's forms, stale-save detection, input kept.

What differs between sections (forms, the data saved, the page) comes from the
section's entry in `applications.sections`; this view is the same for all of them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from ..access import can_edit, get_own_application_for
from ..sections import application_progress, get_section, next_section
from ..services import ApplicationError, StaleSection, application_section_save
from .common import load_full, posted_version


# Applicants of the SOI's jurisdiction only (others get 404); saving needs a draft.
@login_required
def section_edit(request, pk, section):
    application = load_full(get_own_application_for(request.user, pk))
    entry = get_section(section)
    if not entry.has_form:  # a section with a page of its own (letters)
        raise Http404("No such section.")
    editable = can_edit(request.user, application)
    conflict = None
    version = application.version
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        forms = entry.forms(application, request.POST)
        loaded = posted_version(request)
        version = loaded if loaded is not None else application.version
        if all(form.is_valid() for form in forms):
            try:
                application_section_save(
                    application=application,
                    section=entry.key,
                    data=entry.cleaned(forms),
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
                messages.success(request, f"{entry.title} saved.")
                if "continue" in request.POST:
                    following = next_section(entry)
                    if following is None:  # the last section: go on to review and submit
                        return redirect("applications:review", pk=application.pk)
                    return redirect(following.url(application))
                return redirect(entry.url(application))
    else:
        forms = entry.forms(application, None)
    if not editable:
        for form in forms:
            for field in form.fields.values():
                field.disabled = True
    return render(
        request,
        entry.template,
        {
            "application": application,
            "section": entry.key,
            "section_title": entry.title,
            "forms": forms,
            "version": version,
            "conflict": conflict,
            "editable": editable,
            "progress": application_progress(application),
            **entry.context(application),
        },
    )
