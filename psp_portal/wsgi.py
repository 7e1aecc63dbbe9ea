"""WSGI entry point, served by gunicorn: `gunicorn psp_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psp_portal.settings")

application = get_wsgi_application()
