"""Mail about Statements of Interest, composed here and sent through the notifications
service (queued, delivered by a Celery task after commit; links use SITE_URL)."""

from django.conf import settings
from django.urls import reverse

from notifications.services import email_queue

from .models import Application, JurisdictionInvitation


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_invitation(*, invitation_id: int) -> None:
    invitation = JurisdictionInvitation.objects.select_related("jurisdiction", "invited_by").get(
        pk=invitation_id
    )
    if invitation.accepted_at is not None:
        return  # already used; a redelivered task must not mail again
    context = {
        "invitation": invitation,
        "accept_url": _absolute(reverse("applications:invitation_accept", args=[invitation.token])),
        "signup_url": _absolute(reverse("account_signup")),
    }
    email_queue(
        kind="invitation",
        to=invitation.email,  # an address: the person may have no account yet
        subject=f"[PSP Portal] Invitation to file for {invitation.jurisdiction}",
        template="applications/email/invitation",
        context=context,
    )


def send_receipt_confirmation(*, application: Application) -> None:
    """Tell every member of the jurisdiction the SOI was received, with a link (no attachment)."""
    recipients = application.jurisdiction.members.filter(is_active=True).order_by("email")
    context = {
        "application": application,
        "detail_url": _absolute(reverse("applications:detail", args=[application.pk])),
        "receipt_url": _absolute(reverse("reports:detail", args=[application.receipt_id]))
        if application.receipt_id
        else "",
    }
    subject = f"[PSP Portal] Statement of Interest received: {application.reference_number}"
    # One message per person: colleagues' addresses are not shared through the To line.
    for user in recipients:
        email_queue(
            kind="soi_receipt",
            to=user,
            subject=subject,
            template="applications/email/receipt_confirmation",
            context=context,
        )


def send_signature_request(*, request_id: int, token: str) -> None:
    """Mail the chief legal officer the single-use signing link (the only copy of the token)."""
    from .models import SignatureRequest

    request = SignatureRequest.objects.select_related(
        "application__jurisdiction", "application__cycle", "requested_by"
    ).get(pk=request_id)
    if request.status not in SignatureRequest.PENDING:
        return  # cancelled or replaced before the worker ran: the link is void anyway
    context = {
        "request": request,
        "application": request.application,
        "sign_url": _absolute(reverse("applications:sign_link", args=[token])),
    }
    email_queue(
        kind="signature_request",
        to=request.officer_email,  # an address: the officer may have no account yet
        subject="[PSP Portal] Please sign the Section 1373 certification for "
        f"{request.application.jurisdiction}",
        template="applications/email/signature_request",
        context=context,
    )
