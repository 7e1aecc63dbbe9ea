"""Demonstration data for `make run`: development mode only, idempotent.

`load_demo()` runs DEMO_STEPS in order. A step is a function that takes no
arguments, creates what is missing (never duplicates what a previous run made)
and returns the lines to print on the console. Apps add their own steps by
appending to DEMO_STEPS (cycles and Statements of Interest after the users,
sites and engagements after those).
"""

from collections.abc import Callable

from django.conf import settings
from django.core import mail
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from applications.demo import load_demo_applications
from engagements.demo import load_demo_engagements, load_demo_narratives
from outcomes.demo import load_demo_outcomes
from reports.demo import load_demo_report_settings
from reviews.demo import load_demo_reviews
from sites.demo import load_demo_sites

from .officers import load_demo_certifying_officials
from .users import load_demo_users

DemoStep = Callable[[], list[str]]

# Order matters: each step uses what the earlier ones made (users -> cycles and SOIs ->
# reviews and decisions, whose selections create sites -> the other sites -> their engagements).
DEMO_STEPS: list[DemoStep] = [
    load_demo_users,
    load_demo_report_settings,  # before reviews: released decisions need a letter signatory
    load_demo_applications,
    load_demo_certifying_officials,  # after the SOIs: their officers opened the links
    load_demo_reviews,
    load_demo_sites,
    load_demo_engagements,
    load_demo_narratives,  # after the engagements: its figures come from the log
    load_demo_outcomes,
]


def load_demo(steps: list[DemoStep] | None = None) -> list[str]:
    # Demo users have published passwords and TOTP secrets: never in production.
    if settings.DJANGO_ENV == "production":
        raise CommandError("Demo data is never loaded in production (DJANGO_ENV=production).")
    lines: list[str] = []
    # The demo's receipts and decision letters are mailed to placeholder addresses; in
    # development the console backend would print every one above the logins, so they
    # are kept in memory and only counted.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        before = len(getattr(mail, "outbox", []))
        for step in DEMO_STEPS if steps is None else steps:
            # One transaction per step: a failing step leaves the earlier ones in place.
            with transaction.atomic():
                lines.extend(step())
        sent = len(getattr(mail, "outbox", [])) - before
    if sent:
        lines.append(f"Demo mail: {sent} messages (receipts, decision letters) not printed.")
    return lines
