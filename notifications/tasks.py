"""Delivery tasks: thin, on ids, calling the service.

The scheduled reminders' tasks live in schedule_tasks.py: the service (which every
app calls) must not pull in the domain apps the schedules read."""

import logging
import smtplib

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

from psp_portal.task_base import PortalTask

logger = logging.getLogger(__name__)

# Worth another try: the mail server or the network is down or busy (smtplib's
# errors are OSErrors too), or the database hiccupped.
TRANSIENT_ERRORS = (OSError, DatabaseOperationalError, InterfaceError)
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 600


def is_permanent(exc: BaseException) -> bool:
    """A 5xx answer (address refused, message rejected) fails the same way next time."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return not isinstance(exc, TRANSIENT_ERRORS)


class EmailDeliverTask(PortalTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # A transient error after the last retry leaves the row queued: the sweeper
        # tries again later, until the give-up age. A permanent one ends it now.
        if is_permanent(exc):
            from .services import email_mark_failed

            email_id = kwargs.get("email_id", args[0] if args else None)
            email_mark_failed(email_id=email_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(
    base=EmailDeliverTask,
    bind=True,
    # Acknowledge after the work: a worker killed mid-send leaves the message for
    # another (the service's claim keeps a second delivery from mailing twice).
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
)
def email_deliver_task(self, email_id: int) -> None:
    from .services import email_deliver

    try:
        email_deliver(email_id=email_id)
    except TRANSIENT_ERRORS as exc:
        if is_permanent(exc):
            raise
        # 30 s, 60 s, 120 s ... capped at 10 minutes.
        countdown = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(acks_late=True)
def email_sweep_stale_task() -> dict:
    """Run by celery beat: re-publish emails whose delivery task was lost."""
    from .services import email_sweep_stale

    return email_sweep_stale()
