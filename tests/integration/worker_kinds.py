"""Imported by the integration worker (CELERY_IMPORTS): the test report kinds."""

from tests.reports.kinds_for_tests import register_all

register_all()
