"""The chief legal officer's signature: the applicant sends or cancels the request; the
officer opens the mailed link, reads the exact text and the SOI summary, and signs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.capacities import expect_certifying_official_signup
from accounts.services import account_name_set

from ..access import can_edit, get_own_application_for, get_signature_request_for
from ..forms import AccountNameForm, DeclineSigningForm, SignCertificationForm
from ..models import SignatureRequest
from ..services import (
    ApplicationError,
    SigningRefused,
    signature_decline,
    signature_request_cancel,
    signature_request_open,
    signature_request_send,
    signature_sign,
)
from ..services.signatures import token_sha256
from ..snapshot import build_snapshot
from .common import client_ip, load_full


def _certification_page(application) -> str:
    return reverse("applications:section", args=[application.pk, "certification"])


# Applicants of the SOI's jurisdiction (others 404), on a draft.
@login_required
@require_POST
def signing_send(request, pk):
    application = get_own_application_for(request.user, pk)
    if not can_edit(request.user, application):
        raise PermissionDenied
    try:
        signing, _token = signature_request_send(application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Signing request sent to {signing.officer_name} ({signing.officer_email}). "
            "The link expires in 7 days.",
        )
    return redirect(_certification_page(application))


# Applicants of the SOI's jurisdiction (others 404), on a draft.
@login_required
@require_POST
def signing_cancel(request, pk):
    application = get_own_application_for(request.user, pk)
    if not can_edit(request.user, application):
        raise PermissionDenied
    try:
        signature_request_cancel(application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Signing request cancelled; its link no longer works.")
    return redirect(_certification_page(application))


# Anyone holding the mailed link; only the named officer, signed in with that verified
# address, gets past it (everyone else is told why and nothing changes).
def sign_link(request, token):
    if not request.user.is_authenticated:
        found = SignatureRequest.objects.filter(token_sha256=token_sha256(token)).first()
        usable = found is not None and found.status in SignatureRequest.PENDING
        usable = usable and not found.is_expired
        if usable:
            # An account created from here is the officer's, in the certifying-official
            # capacity only: it gets no Applicant role (accounts.capacities).
            expect_certifying_official_signup(request, email=found.officer_email)
        return render(
            request,
            "applications/signing_link.html",
            {
                "usable": usable,
                "login_url": f"{reverse('account_login')}?next={request.path}",
                "signup_url": f"{reverse('account_signup')}?next={request.path}",
            },
            status=200 if usable else 410,
        )
    try:
        signing = signature_request_open(token=token, actor=request.user)
    except SigningRefused as exc:
        return render(
            request, "applications/signing_refused.html", {"reason": str(exc)}, status=403
        )
    return redirect("applications:certify", pk=signing.pk)


# The certifying official of this request only (everyone else 404).
@login_required
def certify(request, pk):
    signing = get_signature_request_for(request.user, pk)
    application = load_full(signing.application)
    user = request.user
    name_form = form = None
    if not user.full_name.strip():
        # The account has no name yet (self-registration asks only for the email): the
        # officer records it once, then signs by typing it.
        name_form = AccountNameForm(request.POST or None)
        if request.method == "POST" and name_form.is_valid():
            account_name_set(user=user, full_name=name_form.cleaned_data["full_name"], actor=user)
            messages.success(request, "Your name is saved on your account.")
            return redirect("applications:certify", pk=signing.pk)
    else:
        form = SignCertificationForm(
            request.POST if request.method == "POST" else None, account_name=user.full_name
        )
        if request.method == "POST" and form.is_valid():
            try:
                signature_sign(
                    request=signing,
                    actor=user,
                    certifies=form.certifies,
                    explanation=form.cleaned_data["cannot_certify_explanation"],
                    typed_name=form.cleaned_data["typed_name"],
                    ip=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except SigningRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Signed. The applicant has been told on their page.")
                return redirect("applications:certify", pk=signing.pk)
    signing.refresh_from_db()
    can_sign = signing.status in SignatureRequest.PENDING and not signing.is_expired
    can_sign = can_sign and application.is_draft
    return render(
        request,
        "applications/signing_certify.html",
        {
            "signing": signing,
            "application": application,
            "certification_text": application.cycle.certification_text,
            "summary": build_snapshot(application),
            "form": form if can_sign else None,
            "name_form": name_form if can_sign else None,
            "decline_form": DeclineSigningForm() if can_sign and form is not None else None,
        },
    )


# The certifying official of this request only (everyone else 404).
@login_required
@require_POST
def certify_decline(request, pk):
    signing = get_signature_request_for(request.user, pk)
    form = DeclineSigningForm(request.POST)
    if form.is_valid():
        try:
            signature_decline(
                request=signing, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except SigningRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "You declined to sign. The applicant has been told.")
    else:
        messages.error(request, form.errors["reason"][0])
    return redirect("applications:certify", pk=signing.pk)
