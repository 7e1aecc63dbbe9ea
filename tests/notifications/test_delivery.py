"""The notifications service: one row per email, delivered after commit, retried, once."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from notifications.kinds import UnknownMailKind
from notifications.models import Email
from notifications.services import email_deliver, email_queue, email_sweep_stale
from notifications.tasks import email_deliver_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queue_receipt(user, **kwargs):
    return email_queue(
        kind="soi_receipt",
        to=user,
        subject="[PSP Portal] Statement of Interest received",
        text="Your Statement of Interest was received: https://example.invalid/ignored\n",
        **kwargs,
    )


def test_queue_writes_a_row_and_delivers_only_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue_receipt(user)
        # Nothing reaches the mail server inside the transaction.
        assert mail.outbox == []
        assert Email.objects.get().status == Email.Status.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.attempts == 1
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_rolled_back_change_mails_nobody(deliver):
    from django.db import transaction

    user = UserFactory()
    with deliver():
        try:
            with transaction.atomic():
                queue_receipt(user)
                raise RuntimeError("the page failed after queueing")
        except RuntimeError:
            pass
    assert mail.outbox == [] and not Email.objects.exists()


def test_every_email_has_a_plain_text_and_an_html_part_with_site_url_links(settings, deliver):
    settings.SITE_URL = "https://psp.example.gov"
    user = UserFactory()
    with deliver():
        email_queue(
            kind="deadline_reminder",
            to=user,
            subject="Reminder",
            text="Open it: https://psp.example.gov/applications/1/\n<b>not markup</b>",
        )
    message = mail.outbox[0]
    assert "https://psp.example.gov/applications/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://psp.example.gov/applications/1/"' in html
    assert "&lt;b&gt;not markup&lt;/b&gt;" in html  # text is escaped, never trusted as HTML
    # The footer's links (unsubscribe, preferences) come from SITE_URL too.
    assert "https://psp.example.gov/notifications/" in message.body


def test_a_redelivered_task_sends_once(deliver):
    user = UserFactory()
    with deliver():
        email = queue_receipt(user)
    assert email_deliver(email_id=email.pk) is False  # the claim is gone
    email_deliver_task.apply(args=[email.pk])
    assert len(mail.outbox) == 1


def test_smtp_down_leaves_the_email_queued_after_retries_then_the_sweeper_sends_it(
    smtp_down, deliver, settings
):
    user = UserFactory()
    with deliver():
        email = queue_receipt(user)
    email.refresh_from_db()
    # The first attempt and five retries (eager: no countdown), each refused.
    assert email.attempts == 1 + email_deliver_task.max_retries
    assert email.status == Email.Status.QUEUED
    assert "Connection refused" in email.error or "ConnectionRefused" in email.error
    # The mail server comes back; the sweeper re-publishes the row.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + datetime.timedelta(minutes=11)
    with deliver():
        counts = email_sweep_stale(now=later)
    assert counts["requeued"] == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and len(mail.outbox) == 1


def test_retry_waits_longer_each_time(monkeypatch):
    seen = []

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("refused")

    original_retry = email_deliver_task.retry

    def spy_retry(*args, **kwargs):
        seen.append(kwargs.get("countdown"))
        return original_retry(*args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    monkeypatch.setattr(email_deliver_task, "retry", spy_retry)
    email = Email.objects.create(kind="soi_receipt", to="a@example.gov", subject="s", text_body="t")
    email_deliver_task.apply(args=[email.pk])
    assert seen == [30, 60, 120, 240, 480, 600]


def test_a_permanent_refusal_fails_at_once_without_retrying(monkeypatch):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({"a@example.gov": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    email = Email.objects.create(kind="soi_receipt", to="a@example.gov", subject="s", text_body="t")
    email_deliver_task.apply(args=[email.pk])
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED and email.attempts == 1
    assert "No such user" in email.error


def test_sweeper_gives_up_after_a_day():
    email = Email.objects.create(kind="soi_receipt", to="a@example.gov", subject="s", text_body="t")
    counts = email_sweep_stale(now=timezone.now() + datetime.timedelta(hours=25))
    assert counts == {"requeued": 0, "failed": 1}
    email.refresh_from_db()
    assert email.status == Email.Status.FAILED


def test_broker_down_at_commit_keeps_the_row_for_the_sweeper(monkeypatch, deliver):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(email_deliver_task, "delay", broker_down)
    with deliver():  # no exception reaches the caller
        email = queue_receipt(UserFactory())
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED and mail.outbox == []


def test_mail_with_a_secret_link_keeps_no_body_once_sent(deliver):
    user = UserFactory()
    with deliver():
        email = email_queue(
            kind="account_security",
            to=user,
            subject="Password reset",
            text="Reset: https://x.invalid/accounts/password/reset/key/abc-123/\n",
        )
    email.refresh_from_db()
    assert "reset/key/abc-123" in mail.outbox[0].body
    assert email.text_body == "" and email.html_body == "" and email.body_erased
    assert email.subject == "Password reset"  # the record still says what was sent


def test_queue_refuses_an_unknown_kind():
    with pytest.raises(UnknownMailKind):
        email_queue(kind="nonsense", to="a@example.gov", subject="s", text="t")


def test_existing_mail_goes_through_the_service(applicant, deliver):
    """Invitations (to an address) and receipts (to each member) become Email rows."""
    from applications.services.invitations import invitation_create
    from tests.factories import ApplicationFactory

    with deliver():
        invitation_create(email="colleague@example.gov", actor=applicant)
    invite = Email.objects.get(kind="invitation")
    assert invite.to == "colleague@example.gov" and invite.user is None
    assert invite.status == Email.Status.SENT and "List-Unsubscribe" not in invite.headers

    from applications.notifications import send_receipt_confirmation

    application = ApplicationFactory(jurisdiction=applicant.jurisdiction, submitted=True)
    with deliver():
        send_receipt_confirmation(application=application)
    receipts = Email.objects.filter(kind="soi_receipt")
    # One per member (the applicant and the colleague who created the draft).
    assert sorted(r.to for r in receipts) == sorted(
        applicant.jurisdiction.members.values_list("email", flat=True)
    )
    assert {r.status for r in receipts} == {Email.Status.SENT}
