"""The one way the portal sends mail: render both parts, record the row, deliver after commit.

Every email, from a password reset to a weekly digest, is an `Email` row created in
the caller's transaction and delivered by `email_deliver_task` once that transaction
commits. A page never talks to the mail server, so an SMTP outage cannot fail it:
the row waits, the task retries with backoff, and the sweeper re-publishes rows
whose task was lost (broker down at commit, worker killed).
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import linebreaks, urlize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from kombu.exceptions import OperationalError as BrokerOperationalError

from .kinds import IMMEDIATE, MailKind, get_kind
from .models import Email, NotificationPreference

logger = logging.getLogger(__name__)

# Publishing to a broker that is down raises these (as in reports.services).
BROKER_ERRORS = (BrokerOperationalError, OSError)
# The sweeper re-publishes a queued email this long after its last publication.
QUEUED_STALE_MINUTES_DEFAULT = 10
# A message still undelivered this long after it was queued is given up (failed).
GIVE_UP_HOURS_DEFAULT = 24
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


class PreferenceError(Exception):
    pass


def absolute_url(path: str) -> str:
    """A link for a mail: workers have no request, so links start from SITE_URL."""
    return f"{settings.SITE_URL}{path}"


# --- preferences ---------------------------------------------------------------------------


def preferences_for(user) -> dict[str, str]:
    """Each kind's delivery for this person (one query); required kinds are always immediate."""
    from .kinds import KINDS

    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        key: IMMEDIATE if kind.required else stored.get(key, IMMEDIATE)
        for key, kind in KINDS.items()
    }


def delivery_for(user, kind_key: str) -> str:
    kind = get_kind(kind_key)
    if kind.required or user is None:
        return IMMEDIATE
    row = NotificationPreference.objects.filter(user=user, kind=kind_key).first()
    return row.delivery if row else IMMEDIATE


@transaction.atomic
def preference_set(*, user, kind: str, delivery: str, actor=None) -> NotificationPreference:
    """Record how `user` wants one optional kind (immediately, in the digest, or off)."""
    mail_kind = get_kind(kind)
    if mail_kind.required:
        raise PreferenceError(f"{mail_kind.label}: {mail_kind.required_reason}")
    allowed = {choice for choice, _label in NotificationPreference.Delivery.choices}
    if delivery not in allowed or (delivery == "digest" and not mail_kind.digest_choice):
        raise PreferenceError(f"{mail_kind.label} cannot be delivered that way.")
    # select_for_update: the page and an unsubscribe click at once write one row.
    row = NotificationPreference.objects.select_for_update().filter(user=user, kind=kind).first()
    if row is None:
        row = NotificationPreference(user=user, kind=kind)
    if row.pk and row.delivery == delivery:
        return row
    row.delivery = delivery
    # The audit row names the person; an unsubscribe link acts for its owner.
    row._history_user = actor or user
    row.save()
    return row


def unsubscribe_token(user, kind: str) -> str:
    """A signed token that turns off one kind for one person, usable without signing in."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_target(token: str):
    """(user, MailKind) named by a token, or None when it is forged, unknown or required."""
    from accounts.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kind = get_kind(data["k"])
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist):
        return None
    if kind.required:
        return None
    return user, kind


def unsubscribe_url(user, kind: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind)]))


# --- composing -----------------------------------------------------------------------------


def _footer(kind: MailKind, user) -> tuple[str, dict]:
    """The footer's plain text and the extra headers, by kind and recipient."""
    if user is None:
        return "", {}
    prefs = absolute_url(reverse("notifications:preferences"))
    if kind.required:
        return (f"{kind.required_reason}\nChoose which other emails you get: {prefs}", {})
    url = unsubscribe_url(user, kind.key)
    text = (
        f'You get this email because "{kind.label}" is on in your notification settings.\n'
        f"Turn off these emails: {url}\n"
        f"Choose which emails you get: {prefs}"
    )
    # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return text, headers


def _text_to_html(text: str) -> str:
    return linebreaks(urlize(escape(text), autoescape=False), autoescape=False)


def _render_parts(template_prefix: str, context: dict) -> tuple[str, str | None]:
    text = render_to_string(f"{template_prefix}.txt", context)
    try:
        html = render_to_string(f"{template_prefix}.html", context)
    except TemplateDoesNotExist:
        html = None
    return text, html


def email_queue(
    *,
    kind: str,
    to,
    subject: str,
    template: str | None = None,
    context: dict | None = None,
    text: str | None = None,
    html: str | None = None,
) -> Email | None:
    """Queue one email to a user (or a bare address) and deliver it after commit.

    Give either `template` (renders `<template>.txt`, and `<template>.html` when it
    exists) or `text` (and optionally `html`). The HTML part is built from the text
    when no HTML is given. Returns None when the person turned this kind off, or
    chose to get it only in their digest.
    """
    mail_kind = get_kind(kind)
    user = None if isinstance(to, str) else to
    if user is not None and delivery_for(user, kind) != IMMEDIATE:
        return None
    address = to if user is None else user.email
    if template is not None:
        context = {"site_url": settings.SITE_URL, "recipient": user, **(context or {})}
        text, html = _render_parts(template, context)
    footer, headers = _footer(mail_kind, user)
    text = text.rstrip() + "\n"
    body_html = mark_safe(html) if html else mark_safe(_text_to_html(text))
    if footer:
        text += f"\n--\n{footer}\n"
    html = render_to_string(
        "notifications/email/base.html",
        {
            "subject": subject,
            "body_html": body_html,
            "footer_html": mark_safe(_text_to_html(footer)) if footer else "",
        },
    )
    email = Email.objects.create(
        kind=kind,
        user=user,
        to=address,
        subject=" ".join(subject.split())[:300],
        text_body=text,
        html_body=html,
        headers=headers,
        enqueued_at=timezone.now(),
    )
    # After commit: the worker must find the row, and a rolled-back change (a
    # failed signup, a refused decision) must not mail anyone.
    transaction.on_commit(partial(_enqueue_delivery, email.pk))
    return email


def _enqueue_delivery(email_id: int) -> None:
    """Publish the delivery task; a broker outage leaves the row queued for the sweeper."""
    from .tasks import email_deliver_task

    try:
        email_deliver_task.delay(email_id)
    except BROKER_ERRORS:
        # The page has committed; failing it now would lose nothing but would show
        # an error for a mail that the sweeper will still send.
        logger.warning("Broker unavailable; email %s stays queued for the sweeper", email_id)


# --- delivering ----------------------------------------------------------------------------


def _sending_stale_after() -> timedelta:
    # Celery kills a task after its hard time limit, so a row still "sending" after
    # that has lost its worker.
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _claim_for_sending(email_id: int) -> bool:
    now = timezone.now()
    # Conditional UPDATE: two deliveries of the same task (acks_late, the sweeper
    # re-publishing) race here, and only one sees 1 row updated and talks to SMTP.
    claimable = Q(status=Email.Status.QUEUED) | Q(
        status=Email.Status.SENDING, started_at__lt=now - _sending_stale_after()
    )
    return bool(
        Email.objects.filter(claimable, pk=email_id).update(
            status=Email.Status.SENDING, started_at=now, attempts=F("attempts") + 1
        )
    )


def email_deliver(*, email_id: int) -> bool:
    """Hand one queued email to the mail server; True when sent by this call.

    An error from the server propagates after the row is put back to "queued"
    with the error kept; the task decides whether to retry.
    """
    if not _claim_for_sending(email_id):
        return False  # sent already, failed for good, or another worker holds it
    email = Email.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers or None,
    )
    message.attach_alternative(email.html_body, "text/html")
    try:
        message.send(fail_silently=False)
    except BaseException as exc:
        Email.objects.filter(pk=email_id, status=Email.Status.SENDING).update(
            status=Email.Status.QUEUED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    kind = get_kind(email.kind)
    done = {"status": Email.Status.SENT, "sent_at": timezone.now(), "error": ""}
    if kind.secret_links:
        # The record keeps who, what and when, never a live password or confirmation key.
        done.update(text_body="", html_body="", body_erased=True)
    Email.objects.filter(pk=email_id).update(**done)
    return True


def email_mark_failed(*, email_id: int, error: str) -> None:
    """Give up on one email (a permanent refusal, or a day of failed attempts)."""
    Email.objects.filter(pk=email_id).exclude(status=Email.Status.SENT).update(
        status=Email.Status.FAILED, error=(error or "Unknown error")[:2000]
    )
    logger.error("Email %s failed: %s", email_id, error)


def email_sweep_stale(*, now=None) -> dict[str, int]:
    """Re-publish queued emails whose task was lost; fail those queued for over a day."""
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    give_up_before = now - timedelta(
        hours=getattr(settings, "NOTIFICATIONS_GIVE_UP_HOURS", GIVE_UP_HOURS_DEFAULT)
    )
    stale_sending = now - _sending_stale_after()
    stuck = Email.objects.filter(
        Q(status=Email.Status.QUEUED) | Q(status=Email.Status.SENDING, started_at__lt=stale_sending)
    )
    for email_id in stuck.filter(created_at__lt=give_up_before).values_list("pk", flat=True):
        email_mark_failed(email_id=email_id, error="Not delivered within a day; last error kept.")
        counts["failed"] += 1
    queued_before = now - timedelta(
        minutes=getattr(
            settings, "NOTIFICATIONS_QUEUED_STALE_MINUTES", QUEUED_STALE_MINUTES_DEFAULT
        )
    )
    rows = stuck.filter(created_at__gte=give_up_before).filter(
        Q(enqueued_at__lt=queued_before) | Q(enqueued_at=None)
    )
    for email_id, enqueued_at in rows.values_list("pk", "enqueued_at"):
        with transaction.atomic():
            # Claim on enqueued_at: two sweepers at once publish each row once.
            if (
                Email.objects.filter(pk=email_id, enqueued_at=enqueued_at)
                .exclude(status__in=[Email.Status.SENT, Email.Status.FAILED])
                .update(status=Email.Status.QUEUED, enqueued_at=now)
            ):
                transaction.on_commit(partial(_enqueue_delivery, email_id))
                counts["requeued"] += 1
    if any(counts.values()):
        logger.info("Email sweep: %s", counts)
    return counts
