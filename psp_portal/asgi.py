"""ASGI entry point (unused by the default deployment, kept for completeness)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psp_portal.settings")

application = get_asgi_application()
