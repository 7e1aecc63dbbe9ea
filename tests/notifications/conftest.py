import socket

import pytest


@pytest.fixture
def closed_smtp_port():
    """A local port nobody listens on: connecting is refused at once, as with a mail
    server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return port


@pytest.fixture
def smtp_down(settings, closed_smtp_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_smtp_port
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run what is queued after commit (the test transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
