"""Demonstration data for `make run`: development mode only, idempotent."""

from django.conf import settings
from django.core.management.base import CommandError


def load_demo() -> list[str]:
    if settings.DJANGO_ENV == "production":
        raise CommandError("Demo data is never loaded in production.")
    return ["Demo data: nothing yet."]
