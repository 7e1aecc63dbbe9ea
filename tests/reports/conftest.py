import pytest

from tests.reports import kinds_for_tests


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test stores its PDFs in its own directory (ids repeat across tests)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def report_test_kinds(settings):
    """Register the test kinds and their templates for each test, then forget them."""
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine["DIRS"], kinds_for_tests.TEMPLATES_DIR]}
        for engine in settings.TEMPLATES
    ]
    kinds_for_tests.register_all()
    kinds_for_tests.READY_CALLS.clear()
    yield kinds_for_tests
    kinds_for_tests.unregister_all()


@pytest.fixture
def broker_at():
    """Point the Celery app at a given broker and publish for real (not eagerly)."""
    from contextlib import contextmanager

    from psp_portal.celery import app

    saved = {"broker_url": app.conf.broker_url, "eager": app.conf.task_always_eager}

    def reset_pools():
        app._pool = None
        app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)

    @contextmanager
    def use(url):
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        reset_pools()
        try:
            yield app
        finally:
            app.conf.broker_url = saved["broker_url"]
            app.conf.task_always_eager = saved["eager"]
            reset_pools()

    return use


@pytest.fixture
def render_now(django_capture_on_commit_callbacks):
    """Request a report and run its (eager) render task as the commit would."""
    from reports.services import report_request

    def request_and_render(kind, params, actor):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(kind=kind, params=params, actor=actor)
        report.refresh_from_db()
        return report

    return request_and_render
