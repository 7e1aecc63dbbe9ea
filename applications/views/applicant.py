"""Applicant pages: dashboard, start, detail, letters, review and submit, withdraw, invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import upload_refusals_record

from ..access import (
    applications_of_my_jurisdiction,
    applications_visible_to,
    can_edit,
    can_read_all,
    can_submit,
    can_view_history,
    can_withdraw,
    get_letter_for,
    get_own_application_for,
    is_applicant,
    with_withdrawal_facts,
)
from ..extensions import declaration_required_url, with_applicant_status
from ..forms import (
    InvitationForm,
    JurisdictionStartForm,
    LetterUploadForm,
    SubmitForm,
    WithdrawForm,
)
from ..models import Cycle, JurisdictionInvitation, Letter
from ..sections import application_progress, with_sections
from ..sections.certification import signature_for_staff
from ..services import (
    ApplicationError,
    InvitationError,
    TransitionNotAllowed,
    application_start,
    application_submit,
    application_withdraw,
    invitation_accept,
    invitation_create,
    letter_add,
    letter_remove,
)
from ..snapshot import build_snapshot
from .common import client_ip, load_full
from .history import application_history


def _require_applicant(user) -> None:
    if not is_applicant(user):
        raise PermissionDenied


def _mine_context(request, invitation_form=None) -> dict:
    user = request.user
    applications = list(
        with_withdrawal_facts(with_applicant_status(applications_of_my_jurisdiction(user)))
        .select_related("cycle", "receipt")
        .order_by("-cycle__opens_at", "-pk")
    )
    now = timezone.now()
    filed = {app.cycle_id for app in applications}
    open_cycles = [
        cycle
        for cycle in Cycle.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by(
            "closes_at"
        )
        if cycle.pk not in filed
    ]
    invitations = (
        JurisdictionInvitation.objects.filter(
            jurisdiction_id=user.jurisdiction_id, accepted_at=None, expires_at__gt=now
        ).order_by("-created_at")
        if user.jurisdiction_id
        else []
    )
    return {
        "applications": [(app, can_withdraw(user, app)) for app in applications],
        "open_cycles": open_cycles,
        "invitations": invitations,
        "invitation_form": invitation_form or InvitationForm(),
        "jurisdiction": user.jurisdiction,
    }


# Applicants only (accounts.file_statement_of_interest); shows only their jurisdiction.
@login_required
def mine(request):
    _require_applicant(request.user)
    return render(request, "applications/application_mine.html", _mine_context(request))


# Applicants only. A second start for the same (cycle, jurisdiction) leads to the existing SOI.
@login_required
def start(request, cycle_pk):
    _require_applicant(request.user)
    cycle = get_object_or_404(Cycle, pk=cycle_pk)
    user = request.user
    if user.jurisdiction_id:
        existing = applications_of_my_jurisdiction(user).filter(cycle=cycle).first()
        if existing is not None:
            messages.info(
                request, "Your jurisdiction already has a Statement of Interest for this cycle."
            )
            return redirect("applications:detail", pk=existing.pk)
    form = JurisdictionStartForm(request.POST or None) if not user.jurisdiction_id else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            application, created = application_start(
                cycle=cycle, actor=user, jurisdiction_data=form.cleaned_data if form else None
            )
        except ApplicationError as exc:
            if form is not None:
                form.add_error(None, str(exc))
            else:
                messages.error(request, str(exc))
                return redirect("applications:mine")
        else:
            if created:
                messages.success(request, "Statement of Interest started. Fill in each section.")
            return redirect("applications:section", pk=application.pk, section="profile")
    return render(request, "applications/application_start.html", {"cycle": cycle, "form": form})


# Applicants of the jurisdiction, or staff with a review permission (submitted SOIs only;
# reviewers: assigned ones they declared no conflict on).
@login_required
def detail(request, pk):
    user = request.user
    # An assigned reviewer declares a conflict (or none) before reading the SOI, here as on
    # the review page; the reviewer scope below refuses undeclared SOIs on every route.
    declare_first = declaration_required_url(user, pk)
    if declare_first is not None:
        return redirect(declare_first)
    # One query for the SOI in the user's scope (404 outside it) with every section, the
    # people named on the page and what the applicant-facing status reads.
    scope = with_sections(applications_visible_to(user)).select_related(
        "submitted_by", "withdrawn_by", "receipt"
    )
    if is_applicant(user):  # only applicants are shown the applicant-facing status
        scope = with_applicant_status(scope)
    application = get_object_or_404(scope, pk=pk)
    own = is_applicant(user) and user.jurisdiction_id == application.jurisdiction_id
    summary = application.snapshot if application.snapshot else build_snapshot(application)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "summary": summary,
            "progress": application_progress(application) if application.is_draft else None,
            "own": own,
            "editable": can_edit(user, application),
            "can_withdraw": can_withdraw(user, application),
            "history": application_history(application) if can_view_history(user) else None,
            "signature_check": signature_for_staff(application, summary.get("certification"))
            if can_read_all(user)
            else None,
        },
    )


# Applicants of the jurisdiction; uploading and removing need a draft.
@login_required
def letters(request, pk):
    application = load_full(get_own_application_for(request.user, pk))
    editable = can_edit(request.user, application)
    form = LetterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                letter_add(
                    application=application,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Letter uploaded.")
                return redirect("applications:letters", pk=application.pk)
        else:
            upload_refusals_record(request=request, form=form, what="Letter of commitment")
    return render(
        request,
        "applications/application_letters.html",
        {
            "application": application,
            "form": form,
            "letters": sorted(application.letters.all(), key=lambda x: (x.kind, x.pk)),
            "required_kinds": [Letter.Kind(k).label for k in Letter.REQUIRED_KINDS],
            "editable": editable,
            "progress": application_progress(application),
            "section": "letters",
            "section_title": "Letters of commitment",
        },
    )


# Applicants of the jurisdiction, on a draft.
@login_required
@require_POST
def letter_delete(request, pk, letter_pk):
    application = get_own_application_for(request.user, pk)
    letter = get_object_or_404(Letter, pk=letter_pk, application=application)
    if not can_edit(request.user, application):
        raise PermissionDenied
    try:
        letter_remove(letter=letter, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Removed {letter.original_name}.")
    return redirect("applications:letters", pk=application.pk)


# Whoever may see the SOI (its applicants; staff with a review permission); others 404.
@login_required
def letter_download(request, pk, letter_pk):
    letter = get_letter_for(request.user, letter_pk)
    if letter.application_id != pk:
        raise Http404
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=letter.original_name
        if letter.original_name.lower().endswith(".pdf")
        else f"{letter.original_name}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _review_context(request, application, form) -> dict:
    progress = application_progress(application)
    return {
        "application": application,
        "summary": build_snapshot(application),
        "progress": progress,
        "missing": [s for s in progress if s.state != "complete"],
        "form": form,
        "can_submit": can_submit(request.user, application),
        "cycle_open": application.cycle.is_open(),
        "section": "review",
        "section_title": "Review and submit",
    }


# Applicants of the jurisdiction.
@login_required
def review(request, pk):
    application = load_full(get_own_application_for(request.user, pk))
    if not application.is_draft:
        return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "applications/application_review.html",
        _review_context(request, application, SubmitForm()),
    )


# Applicants of the jurisdiction; the service checks draft, deadline, verified email, completeness.
@login_required
@require_POST
def submit(request, pk):
    application = load_full(get_own_application_for(request.user, pk))
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "applications/application_review.html",
            _review_context(request, application, form),
        )
    try:
        application = application_submit(
            application=application, actor=request.user, ip=client_ip(request), attested=True
        )
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        if application.is_draft:
            return render(
                request,
                "applications/application_review.html",
                _review_context(request, application, form),
                status=409,
            )
    else:
        messages.success(
            request,
            f"Submitted. Your reference number is {application.reference_number}. "
            "Your PDF receipt will be ready shortly; we will email you a link.",
        )
    return redirect("applications:detail", pk=application.pk)


# Applicants of the jurisdiction, for a submitted SOI before a decision.
@login_required
def withdraw(request, pk):
    application = get_own_application_for(request.user, pk)
    if not can_withdraw(request.user, application):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Statement of Interest withdrawn.")
            return redirect("applications:mine")
    return render(
        request,
        "applications/application_withdraw.html",
        {"application": application, "form": form},
    )


# Applicants with a jurisdiction.
@login_required
@require_POST
def invite(request):
    _require_applicant(request.user)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitation_create(email=form.cleaned_data["email"], actor=request.user)
        except InvitationError as exc:
            form.add_error("email", str(exc))
        else:
            # The same words whatever the address: they must not tell whether it has an account.
            messages.success(
                request,
                f"Invitation recorded for {invitation.email}. If that address can join your "
                "jurisdiction, it will receive a link to accept.",
            )
            return redirect("applications:mine")
    return render(
        request, "applications/application_mine.html", _mine_context(request, form), status=400
    )


# Any signed-in user holding the link; the service accepts only the invited address.
@login_required
def invitation_accept_view(request, token):
    invitation = (
        JurisdictionInvitation.objects.select_related("jurisdiction", "invited_by")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            invitation_accept(token=token, actor=request.user)
        except InvitationError as exc:
            error = str(exc)
        else:
            messages.success(request, f"You now file for {invitation.jurisdiction}.")
            return redirect("applications:mine")
    return render(
        request,
        "applications/invitation_accept.html",
        {"invitation": invitation, "error": error},
    )
