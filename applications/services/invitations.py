"""Applicants invite colleagues to file for their jurisdiction."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import security_event_record
from accounts.models import Jurisdiction, SecurityEvent, User
from accounts.roles import STAFF_ROLES

from ..models import JurisdictionInvitation

INVITATION_VALID_FOR = timedelta(days=14)


class InvitationError(Exception):
    """The invitation cannot be used; the message is meant for the user."""


def _is_staff_account(user: User) -> bool:
    return user.is_staff or user.is_superuser or user.groups.filter(name__in=STAFF_ROLES).exists()


def _is_staff_domain(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1]
    return any(
        domain == staff or domain.endswith("." + staff) for staff in settings.STAFF_EMAIL_DOMAINS
    )


def _refuse_over_limit(*, actor: User, since) -> None:
    """Raise InvitationError if the actor or the jurisdiction used up the day's invitations.

    Counts rows, so every attempt counts the same whatever the address (the limit
    cannot tell anyone which addresses have accounts). The caller holds the
    jurisdiction's row lock, so two requests cannot both take the last one.
    """
    recent = JurisdictionInvitation.objects.filter(created_at__gte=since)
    per_user = settings.INVITATIONS_PER_USER_PER_DAY
    per_jurisdiction = settings.INVITATIONS_PER_JURISDICTION_PER_DAY
    if recent.filter(invited_by=actor).count() >= per_user:
        message = (
            f"You have sent {per_user} invitations in the last 24 hours, the most allowed. "
            "Try again tomorrow."
        )
    elif recent.filter(jurisdiction_id=actor.jurisdiction_id).count() >= per_jurisdiction:
        message = (
            f"Your jurisdiction has sent {per_jurisdiction} invitations in the last 24 hours, "
            "the most allowed. Try again tomorrow."
        )
    else:
        return
    raise InvitationLimitReached(message)


class InvitationLimitReached(InvitationError):
    """The daily limit is reached; the message says which and when to try again."""


def invitation_create(*, email: str, actor: User) -> JurisdictionInvitation:
    """Invite `email` to the actor's jurisdiction (see _invitation_create); audits a refusal."""
    try:
        return _invitation_create(email=email, actor=actor)
    except InvitationLimitReached as exc:
        # Recorded after the rollback of the attempt, so the audit row stays.
        security_event_record(
            kind=SecurityEvent.Kind.INVITATION_RATE_LIMITED, actor=actor, detail=str(exc)
        )
        raise


@transaction.atomic
def _invitation_create(*, email: str, actor: User) -> JurisdictionInvitation:
    """Invite `email` to the actor's jurisdiction and mail a link (after commit).

    The answer is the same whatever the address (issue 14): an address that cannot
    join (a staff account, a member of this or another jurisdiction) gets a row like
    any other, so lists and limits look alike, but no mail; the refusal is audited.
    """
    if actor.jurisdiction_id is None:
        raise InvitationError(
            "Start a Statement of Interest first; then you can invite colleagues."
        )
    email = email.strip().lower()
    if _is_staff_domain(email):
        # Decided by the address alone, so saying so reveals no account.
        raise InvitationError(
            "DOJ staff addresses cannot be invited to file a Statement of Interest."
        )
    # Serializes invitations per jurisdiction, so the daily limit holds under concurrency.
    Jurisdiction.objects.select_for_update().get(pk=actor.jurisdiction_id)
    now = timezone.now()
    _refuse_over_limit(actor=actor, since=now - timedelta(days=1))
    existing = User.objects.filter(email__iexact=email).first()
    refusal = None
    if existing is not None and _is_staff_account(existing):
        refusal = "the address belongs to a staff account"
    elif existing is not None and existing.jurisdiction_id == actor.jurisdiction_id:
        refusal = "the address already files for this jurisdiction"
    elif existing is not None and existing.jurisdiction_id is not None:
        refusal = "the address files for another jurisdiction"
    invitation = JurisdictionInvitation(
        jurisdiction_id=actor.jurisdiction_id,
        email=email,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=now + INVITATION_VALID_FOR,
    )
    invitation._history_user = actor
    invitation.save()
    if refusal is not None:
        security_event_record(
            kind=SecurityEvent.Kind.INVITATION_REFUSED,
            actor=actor,
            target_user=existing,
            detail=f"Invitation {invitation.pk} to {email} not mailed: {refusal}",
        )
        return invitation
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
