"""Applicants invite colleagues to file for their jurisdiction."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import JurisdictionInvitation

INVITATION_VALID_FOR = timedelta(days=14)


class InvitationError(Exception):
    """The invitation cannot be used; the message is meant for the user."""


@transaction.atomic
def invitation_create(*, email: str, actor: User) -> JurisdictionInvitation:
    """Invite `email` to the actor's jurisdiction and mail a link (after commit)."""
    if actor.jurisdiction_id is None:
        raise InvitationError(
            "Start a Statement of Interest first; then you can invite colleagues."
        )
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.jurisdiction_id == actor.jurisdiction_id:
        raise InvitationError(f"{email} already files for your jurisdiction.")
    if existing is not None and existing.jurisdiction_id is not None:
        raise InvitationError(f"{email} already files for another jurisdiction.")
    invitation = JurisdictionInvitation(
        jurisdiction_id=actor.jurisdiction_id,
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    invitation._history_user = actor
    invitation.save()
    from ..tasks import invitation_send_task

    # After commit: the link must not be mailed for an invitation that was rolled back.
    transaction.on_commit(lambda: invitation_send_task.delay(invitation.pk))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, actor: User) -> JurisdictionInvitation:
    """Join the invitation's jurisdiction; only the invited address may accept, once."""
    invitation = JurisdictionInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise InvitationError("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask your colleague to send a new one.")
    if actor.email.lower() != invitation.email.lower():
        raise InvitationError(
            f"This invitation was sent to another address. Sign in as {invitation.email} to accept it."
        )
    if actor.jurisdiction_id not in (None, invitation.jurisdiction_id):
        raise InvitationError("Your account already files for another jurisdiction.")
    if not actor.has_perm("accounts.file_statement_of_interest"):
        raise InvitationError("Only applicant accounts can join a jurisdiction.")
    actor.jurisdiction_id = invitation.jurisdiction_id
    actor._history_user = actor
    actor.save(update_fields=["jurisdiction"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation._history_user = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation
