"""The chief legal officer's signature on the Section 1373 certification.

The applicant sends, resends and cancels the signing request; the officer opens the
mailed link, then signs or declines; any later change to the SOI's content supersedes
the signature. Each move is one function here and names the acting user.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.access import has_verified_email
from accounts.models import User

from ..models import SIGNING_LINK_DAYS, Application, Certification, SignatureRequest
from ..sections import with_sections
from ..snapshot import content_digest
from .drafts import ApplicationError


class SigningRefused(Exception):
    """The link or the signature is refused; the message is meant for the person."""


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalized_name(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def current_request(application: Application) -> SignatureRequest | None:
    """The latest request that has not been replaced (what the applicant's page shows)."""
    return (
        SignatureRequest.objects.filter(application=application)
        .exclude(status=SignatureRequest.Status.REPLACED)
        .select_related("signer")
        .order_by("-sent_at", "-pk")
        .first()
    )


def _save(row, actor: User) -> None:
    row._history_user = actor  # the audit row names the person, not "system"
    row.save()


def _clear_signature(cert: Certification, actor: User) -> None:
    """Forget the copied signature on the section row (the request keeps the record)."""
    cert.signature = None
    cert.certifies = None
    cert.typed_signature = ""
    cert.cannot_certify_explanation = ""
    cert.signer = None
    cert.signed_at = None
    cert.signer_ip = None
    cert.text_version = None
    cert.text_sha256 = ""
    _save(cert, actor)


def _close_live_requests(application: Application, status: str, actor: User) -> int:
    """Move every open or signed request of the SOI to `status` (replaced or cancelled)."""
    closed = 0
    now = timezone.now()
    live = SignatureRequest.objects.select_for_update().filter(
        application=application,
        status__in=[
            *SignatureRequest.PENDING,
            SignatureRequest.Status.SIGNED,
            SignatureRequest.Status.DECLINED,
        ],
    )
    for row in live:
        if not row.can_move_to(status):
            continue
        row.status, row.closed_at = status, now
        _save(row, actor)
        closed += 1
    cert = Certification.objects.filter(application=application).first()
    if cert is not None and cert.signature_id is not None:
        _clear_signature(cert, actor)
    return closed


@transaction.atomic
def signature_request_send(
    *, application: Application, actor: User
) -> tuple[SignatureRequest, str]:
    """Send (or resend) the signing request to the officer named in the section.

    A resend replaces every earlier request, so an older link no longer works. Returns
    the request and the link's token (only its hash is stored)."""
    # Row lock on the SOI: a double click cannot leave two live links.
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_draft:
        raise ApplicationError("This Statement of Interest has been submitted.")
    if actor.jurisdiction_id != locked.jurisdiction_id:
        raise ApplicationError("Only an applicant of this jurisdiction can send the request.")
    cert = Certification.objects.filter(application=locked).first()
    if cert is None or not (cert.clo_name and cert.clo_title and cert.clo_email):
        raise ApplicationError(
            "Save the chief legal officer's name, title and email before sending the request."
        )
    if locked.jurisdiction.members.filter(email__iexact=cert.clo_email).exists():
        raise ApplicationError(
            "The chief legal officer's email belongs to an applicant account of your "
            "jurisdiction. Enter the officer's own email address."
        )
    _close_live_requests(locked, SignatureRequest.Status.REPLACED, actor)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    request = SignatureRequest(
        sent_at=now,
        expires_at=now + timedelta(days=SIGNING_LINK_DAYS),
        application=locked,
        officer_name=cert.clo_name,
        officer_title=cert.clo_title,
        officer_email=cert.clo_email.lower(),
        token_sha256=token_sha256(token),
        requested_by=actor,
    )
    _save(request, actor)
    # Mail after commit: a rolled-back request must not have sent a link. The token
    # travels in the task's arguments because only its hash is stored.
    transaction.on_commit(lambda: _enqueue_mail(request.pk, token))
    return request, token


def _enqueue_mail(request_id: int, token: str) -> None:
    from ..tasks import signature_request_mail_task

    signature_request_mail_task.delay(request_id, token)


@transaction.atomic
def signature_request_cancel(*, application: Application, actor: User) -> None:
    """Cancel the pending request: its link stops working."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_draft or actor.jurisdiction_id != locked.jurisdiction_id:
        raise ApplicationError("This request can no longer be cancelled.")
    pending = SignatureRequest.objects.select_for_update().filter(
        application=locked, status__in=SignatureRequest.PENDING
    )
    if not pending.exists():
        raise ApplicationError("There is no pending signing request to cancel.")
    for row in pending:
        row.status, row.closed_at = SignatureRequest.Status.CANCELLED, timezone.now()
        _save(row, actor)


def _check_link(request: SignatureRequest | None) -> SignatureRequest:
    if request is None:
        raise SigningRefused("This signing link is not valid. Ask the applicant to resend it.")
    if request.is_expired:
        raise SigningRefused(
            "This signing link has expired. Ask the applicant to send a new request."
        )
    if request.status == SignatureRequest.Status.SIGNED:
        raise SigningRefused("This signing link has already been used to sign.")
    if request.status not in SignatureRequest.PENDING:
        raise SigningRefused(
            "This signing link is no longer valid (it was "
            f"{request.get_status_display().lower()}). Ask the applicant to resend it."
        )
    if not request.application.is_draft:
        raise SigningRefused("This Statement of Interest has already been submitted.")
    return request


def _check_person(request: SignatureRequest, actor: User) -> None:
    if actor.email.lower() != request.officer_email.lower():
        raise SigningRefused(
            f"This link was sent to {request.officer_email}, but you are signed in as "
            f"{actor.email}. Sign out, then sign in or create an account with "
            f"{request.officer_email}."
        )
    if not has_verified_email(actor):
        raise SigningRefused(
            "Confirm your email address first: use the link we emailed you when you "
            "created your account, then open the signing link again."
        )
    if request.signer_id is not None and request.signer_id != actor.pk:
        raise SigningRefused("This request is attached to another account.")


@transaction.atomic
def signature_request_open(*, token: str, actor: User) -> SignatureRequest:
    """The officer opens the mailed link: attach their account to this one request."""
    # Row lock: the link's state is read and changed at once (a second tab waits).
    request = _check_link(
        SignatureRequest.objects.select_for_update()
        .select_related("application")
        .filter(token_sha256=token_sha256(token))
        .first()
    )
    _check_person(request, actor)
    if request.status == SignatureRequest.Status.SENT:
        request.status = SignatureRequest.Status.OPENED
        request.opened_at = timezone.now()
        request.signer = actor
        _save(request, actor)
    return request


@transaction.atomic
def signature_sign(
    *,
    request: SignatureRequest,
    actor: User,
    certifies: bool | None,
    explanation: str,
    typed_name: str,
    ip: str | None,
    user_agent: str,
) -> SignatureRequest:
    """The officer signs: certifies, or cannot certify with the reason, under their name."""
    # Lock the SOI first (as section saves do), then the request: a save in progress
    # finishes before the digest is taken, so the signature covers what is stored.
    application = Application.objects.select_for_update().get(pk=request.application_id)
    request = _check_link(
        SignatureRequest.objects.select_for_update()
        .select_related("application")
        .get(pk=request.pk)
    )
    _check_person(request, actor)
    if request.signer_id != actor.pk:
        raise SigningRefused("Open the signing link from your email first.")
    if certifies is None:
        raise SigningRefused("Choose whether the jurisdiction certifies.")
    explanation = (explanation or "").strip()
    if certifies is False and not explanation:
        raise SigningRefused("Explain why the jurisdiction cannot certify.")
    if not actor.full_name.strip():
        raise SigningRefused("Add your full name to your account before signing.")
    if normalized_name(typed_name) != normalized_name(actor.full_name):
        raise SigningRefused(
            f"Type your full name exactly as it is on your account: {actor.full_name}."
        )
    full = with_sections(Application.objects.filter(pk=application.pk)).get()
    text = full.cycle.certification_text
    now = timezone.now()
    request.status = SignatureRequest.Status.SIGNED
    request.certifies = certifies
    request.cannot_certify_explanation = "" if certifies else explanation
    request.typed_name = " ".join(typed_name.split())
    request.signer_name = actor.full_name
    request.text_version = text
    request.text_sha256 = text.sha256
    request.content_sha256 = content_digest(full)
    request.signed_at = now
    request.signer_ip = ip
    request.signer_user_agent = (user_agent or "")[:400]
    _save(request, actor)
    cert = Certification.objects.select_for_update().get(application=application)
    cert.signature = request
    cert.certifies = certifies
    cert.typed_signature = request.typed_name if certifies else ""
    cert.cannot_certify_explanation = request.cannot_certify_explanation
    cert.signer = actor
    cert.signed_at = now
    cert.signer_ip = ip
    cert.text_version = text
    cert.text_sha256 = text.sha256
    _save(cert, actor)
    return request


@transaction.atomic
def signature_decline(*, request: SignatureRequest, actor: User, reason: str) -> SignatureRequest:
    """The officer declines to sign this request (for example: not the right person)."""
    request = _check_link(
        SignatureRequest.objects.select_for_update()
        .select_related("application")
        .get(pk=request.pk)
    )
    _check_person(request, actor)
    reason = (reason or "").strip()
    if not reason:
        raise SigningRefused("Tell the applicant why you decline to sign.")
    request.status = SignatureRequest.Status.DECLINED
    request.decline_reason = reason
    request.closed_at = timezone.now()
    _save(request, actor)
    return request


def signature_supersede_if_changed(*, locked: Application, actor: User) -> bool:
    """After a save: a signature over different content is superseded (the officer re-signs).

    Runs inside the section save, under the SOI's row lock. True when one was superseded."""
    cert = Certification.objects.select_related("signature").filter(application=locked).first()
    if cert is None or cert.signature is None:
        return False
    signature = cert.signature
    full = with_sections(Application.objects.filter(pk=locked.pk)).get()
    named = signature.officer_email.lower() == (cert.clo_email or "").lower() and normalized_name(
        signature.officer_name
    ) == normalized_name(cert.clo_name)
    if named and signature.content_sha256 == content_digest(full):
        return False  # saved without a change: the signature still covers the content
    signature.status = SignatureRequest.Status.SUPERSEDED
    signature.closed_at = timezone.now()
    _save(signature, actor)
    _clear_signature(cert, actor)
    return True


def signature_is_current(application: Application) -> bool:
    """A signature by the officer named, over exactly the content stored now."""
    cert = getattr(application, "certification", None)
    signature = cert.signature if cert is not None else None
    if signature is None or signature.status != SignatureRequest.Status.SIGNED:
        return False
    if signature.officer_email.lower() != (cert.clo_email or "").lower():
        return False
    if signature.signer is None or signature.signer.email.lower() != cert.clo_email.lower():
        return False
    return signature.content_sha256 == content_digest(application)


def signature_requests_cancel_pending(*, application: Application, actor: User) -> int:
    """Cancel pending links (the officer named changed); runs inside the section save."""
    cancelled = 0
    for row in SignatureRequest.objects.select_for_update().filter(
        application=application, status__in=SignatureRequest.PENDING
    ):
        row.status, row.closed_at = SignatureRequest.Status.CANCELLED, timezone.now()
        _save(row, actor)
        cancelled += 1
    return cancelled
