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


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def signature_request_mail_task(request_id: int, token: str) -> None:
    from .notifications import send_signature_request

    send_signature_request(request_id=request_id, token=token)
