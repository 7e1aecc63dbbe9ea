"""Celery tasks: thin, on ids, calling the notification functions."""

from celery import shared_task


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def invitation_send_task(invitation_id: int) -> None:
    from .notifications import send_invitation

    send_invitation(invitation_id=invitation_id)
