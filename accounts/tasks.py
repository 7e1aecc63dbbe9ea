from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def staff_account_send_welcome_task(user_id: int) -> None:
    from .services import staff_account_send_welcome

    staff_account_send_welcome(user_id=user_id)
