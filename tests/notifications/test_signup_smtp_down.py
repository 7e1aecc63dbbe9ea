"""Issue 14, item 5: with the mail server unreachable, sign-up still answers normally."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Email
from notifications.services import email_sweep_stale
from notifications.tasks import email_deliver_task


# Transactional: the request really commits, so the after-commit delivery runs inside
# the request exactly as on a single machine without Redis (eager Celery). With Redis
# the task is only published, which cannot fail the page either.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sign_up_with_smtp_unreachable_answers_normally_and_mails_later(client, smtp_down):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.applicant@toledo.oh.gov",
            "password1": "Harbor-lantern-47-quilt",
            "password2": "Harbor-lantern-47-quilt",
        },
    )
    assert response.status_code == 302  # not a 500
    user = User.objects.get(email="new.applicant@toledo.oh.gov")
    email = Email.objects.get(user=user)
    assert email.kind == "account_security"
    assert email.status == Email.Status.QUEUED  # kept, not lost
    assert email.attempts == 1 + email_deliver_task.max_retries  # and retried
    assert mail.outbox == []

    # The server is back: the sweeper sends the confirmation link.
    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email_sweep_stale(now=timezone.now() + datetime.timedelta(minutes=11))
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
    assert "/accounts/confirm-email/" in mail.outbox[0].body
