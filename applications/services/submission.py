"""Submitting and withdrawing a Statement of Interest."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import has_verified_email
from accounts.models import User

from ..access import has_decision_in_force
from ..models import Application, ReferenceSequence
from ..sections import incomplete_sections, with_sections
from ..snapshot import build_snapshot, snapshot_digest
from .drafts import _closed_message
from .signatures import signature_is_current

logger = logging.getLogger(__name__)


class TransitionNotAllowed(Exception):
    """The move is not legal now; the message is meant for the user."""


def _next_reference(year: int) -> str:
    # Row lock on the year's counter: concurrent submissions of different SOIs take
    # consecutive numbers instead of the same one.
    try:
        with transaction.atomic():
            sequence, _ = ReferenceSequence.objects.get_or_create(year=year)
    except IntegrityError:  # another transaction created the year's row first
        pass
    sequence = ReferenceSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"PSP-{year}-{sequence.last:04d}"


@transaction.atomic
def application_submit(
    *, application: Application, actor: User, ip: str | None, attested: bool = False
) -> Application:
    """Lock a complete draft, freeze its snapshot and digest, and request the PDF receipt."""
    # Re-read under a row lock so a double click or a second tab cannot submit twice:
    # the second request waits here, then sees "submitted" and is refused.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_move_to(Application.Status.SUBMITTED):
        raise TransitionNotAllowed("This Statement of Interest has already been submitted.")
    cycle = application.cycle
    if not cycle.is_open():
        raise TransitionNotAllowed(_closed_message(cycle))
    if not has_verified_email(actor):
        raise TransitionNotAllowed(
            "Confirm your email address before submitting: use the link we emailed you."
        )
    if actor.jurisdiction_id != application.jurisdiction_id:
        raise TransitionNotAllowed("Only an applicant of this jurisdiction can submit.")
    full = with_sections(Application.objects.filter(pk=application.pk)).get()
    missing = [section.title for section in incomplete_sections(full)]
    if missing:
        raise TransitionNotAllowed("Complete these sections first: " + ", ".join(missing) + ".")
    if not signature_is_current(full):
        raise TransitionNotAllowed(
            "The chief legal officer's signature does not cover the Statement of Interest as "
            "it reads now. Send the signing request again."
        )
    if not attested:
        raise TransitionNotAllowed("Check the attestation to submit.")

    now = timezone.now()
    application.status = Application.Status.SUBMITTED
    application.reference_number = _next_reference(cycle.year)
    application.submitted_at = now
    application.submitted_by = actor
    application.attestation = True

    # What was signed (the officer, the text version, its hash, the content digest,
    # time and address) was recorded when the officer signed; the submitter is only
    # the submitter.
    full.reference_number = application.reference_number
    full.submitted_at, full.submitted_by, full.attestation = now, actor, True
    application.snapshot = build_snapshot(full)
    application.snapshot_sha256 = snapshot_digest(application.snapshot)
    application._history_user = actor  # the audit row names the person, not "system"
    application.save()

    # The receipt row is created inside this transaction, so a submitted SOI always
    # has one (a callback after commit could be lost if the process died in between);
    # report_request enqueues the render only after commit, and if the broker is down
    # the row stays queued for the sweeper.
    _request_receipt(application=application, actor=actor)
    return application


def _request_receipt(*, application: Application, actor: User) -> None:
    from reports.services import report_request  # the reports app owns the pipeline

    report = report_request(
        kind="soi_packet", params={"application_id": application.pk}, actor=actor
    )
    application.receipt = report
    application.save(update_fields=["receipt"])


def application_receipt_ready(*, application: Application) -> None:
    """Hook for the receipt's on_ready (kept here so mail wording lives with the SOI)."""
    from ..notifications import send_receipt_confirmation

    send_receipt_confirmation(application=application)


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str) -> Application:
    """Withdraw a submitted SOI before a decision; the reason is kept and audited."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.can_move_to(Application.Status.WITHDRAWN):
        raise TransitionNotAllowed(
            "Only a submitted Statement of Interest awaiting a decision can be withdrawn."
        )
    # Both this and reviews.services.decision_record lock the application row, so a
    # withdrawal and a decision cannot both succeed. Unreleased decisions stay
    # internal: the message does not say one exists.
    if has_decision_in_force(application):
        raise TransitionNotAllowed(
            "This Statement of Interest is in final review and can no longer be withdrawn. "
            "Contact the PSP team if your jurisdiction's situation has changed."
        )
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed("Give a reason for withdrawing.")
    application.status = Application.Status.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.withdrawn_by = actor
    application.withdrawal_reason = reason
    application._history_user = actor
    application.save()
    return application
