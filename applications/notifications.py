"""Mail about Statements of Interest. Runs in Celery workers (no request: links use SITE_URL)."""

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

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
    send_mail(
        subject=f"[PSP Portal] Invitation to file for {invitation.jurisdiction}",
        message=render_to_string("applications/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def send_receipt_confirmation(*, application: Application) -> None:
    """Tell every member of the jurisdiction the SOI was received, with a link (no attachment)."""
    recipients = sorted(
        application.jurisdiction.members.filter(is_active=True).values_list("email", flat=True)
    )
    if not recipients:
        return
    context = {
        "application": application,
        "detail_url": _absolute(reverse("applications:detail", args=[application.pk])),
        "receipt_url": _absolute(reverse("reports:detail", args=[application.receipt_id]))
        if application.receipt_id
        else "",
    }
    subject = f"[PSP Portal] Statement of Interest received: {application.reference_number}"
    body = render_to_string("applications/email/receipt_confirmation.txt", context)
    # One message per person: colleagues' addresses are not shared through the To line.
    send_mass_mail([(subject, body, None, [address]) for address in recipients])


def send_signature_request(*, request_id: int, token: str) -> None:
    """Mail the chief legal officer the single-use signing link (the only copy of the token).

    All signing mail goes through this one function, so it can move with the rest of the
    portal's mail."""
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
    send_mail(
        subject="[PSP Portal] Please sign the Section 1373 certification for "
        f"{request.application.jurisdiction}",
        message=render_to_string("applications/email/signature_request.txt", context),
        from_email=None,
        recipient_list=[request.officer_email],
    )
