"""Mail about outcome figures. Runs in Celery workers (no request: links use SITE_URL)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.services import email_queue

from .models import OutcomeYear


def _recipients(site, *, liaison: bool) -> list[str]:
    """The site's own active users, and its liaison when asked."""
    users = get_user_model().objects.filter(jurisdiction_id=site.jurisdiction_id, is_active=True)
    addresses = set(users.values_list("email", flat=True))
    if liaison and site.liaison_id and site.liaison.is_active:
        addresses.add(site.liaison.email)
    return sorted(addresses)


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> int:
    body = render_to_string(template, context)
    # One message per person (addresses are not shared through the To line), queued
    # through the one mail service: delivered by its task after commit, retried.
    for address in recipients:
        email_queue(kind="outcome_figures", to=address, subject=subject, text=body)
    return len(recipients)


def _context(row: OutcomeYear) -> dict:
    return {
        "row": row,
        "site": row.site,
        "url": f"{settings.SITE_URL}{reverse('outcomes:site', args=[row.site_id])}",
    }


def send_due_reminder(*, outcome_id: int) -> int:
    """Tell the site and its liaison a year's figures are due; at most once per row."""
    # Claim first (compare-and-swap on reminded_at): a redelivered task, or a second
    # daily run racing this one, finds the row claimed and sends nothing.
    claimed = OutcomeYear.objects.filter(pk=outcome_id, reminded_at=None).update(
        reminded_at=timezone.now()
    )
    if not claimed:
        return 0
    row = OutcomeYear.objects.select_related("site__jurisdiction", "site__liaison").get(
        pk=outcome_id
    )
    try:
        return _send(
            f"[PSP Portal] {row.year} violent-crime figures due for {row.site.jurisdiction.name}",
            "outcomes/email/due_reminder.txt",
            _context(row),
            _recipients(row.site, liaison=True),
        )
    except BaseException:
        # Give the claim back so the retry can send; nothing went out.
        OutcomeYear.objects.filter(pk=outcome_id).update(reminded_at=None)
        raise


def send_returned(*, outcome_id: int) -> int:
    row = OutcomeYear.objects.select_related("site__jurisdiction", "site__liaison").get(
        pk=outcome_id
    )
    if row.status != OutcomeYear.Status.RETURNED:
        return 0  # fixed and resubmitted before the mail left: nothing to say
    return _send(
        f"[PSP Portal] {row.year} figures returned for {row.site.jurisdiction.name}",
        "outcomes/email/returned.txt",
        _context(row),
        _recipients(row.site, liaison=False),
    )
