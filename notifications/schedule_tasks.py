"""Celery beat's reminder and digest tasks (CELERY_BEAT_SCHEDULE): thin, on the clock.

Registered by NotificationsConfig.ready(); Celery's autodiscovery finds only tasks.py.
"""

from celery import shared_task


@shared_task(acks_late=True)
def deadline_reminders_task() -> int:
    """Daily: applicants with a draft 14, 3 or 1 days before their cycle closes."""
    from .schedules import deadline_reminders_send

    return deadline_reminders_send()


@shared_task(acks_late=True)
def review_due_reminders_task() -> int:
    """Daily: reviewers with a review due in 3 days or today."""
    from .schedules import review_due_reminders_send

    return review_due_reminders_send()


@shared_task(acks_late=True)
def reviewer_digest_task() -> int:
    """Weekly: each reviewer's open reviews."""
    from .schedules import reviewer_digests_send

    return reviewer_digests_send()


@shared_task(acks_late=True)
def liaison_digest_task() -> int:
    """Daily: each liaison's follow-ups, coming engagements and idle sites."""
    from .schedules import liaison_digests_send

    return liaison_digests_send()


@shared_task(acks_late=True)
def admin_digest_task() -> int:
    """Weekly: the program admins' digest."""
    from .schedules import admin_digests_send

    return admin_digests_send()
