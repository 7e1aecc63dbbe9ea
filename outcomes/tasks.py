"""Celery tasks: thin, on ids, calling services and notifications."""

from celery import shared_task

MAIL_ERRORS = (ConnectionError, TimeoutError, OSError)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def outcome_reminder_task(outcome_id: int) -> None:
    from .notifications import send_due_reminder

    send_due_reminder(outcome_id=outcome_id)


@shared_task(autoretry_for=MAIL_ERRORS, retry_backoff=True, max_retries=5)
def outcome_returned_mail_task(outcome_id: int) -> None:
    from .notifications import send_returned

    send_returned(outcome_id=outcome_id)


@shared_task
def outcomes_open_due_task() -> None:
    """Daily (beat) and after a due date is set: open due years, queue reminders."""
    from .services import outcomes_open_due

    outcomes_open_due()


@shared_task
def outcome_baseline_task(site_id: int) -> None:
    from sites.models import Site

    from .services import outcome_baseline_from_soi

    site = Site.objects.filter(pk=site_id).first()
    if site is not None:
        outcome_baseline_from_soi(site=site)


@shared_task(acks_late=True)
def outcome_import_task(import_id: int) -> None:
    from .imports import outcome_import_run

    outcome_import_run(import_id=import_id)
