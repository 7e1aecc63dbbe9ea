"""Small helpers shared by the SOI views."""

from ..models import Application
from ..sections import with_sections


def load_full(application: Application) -> Application:
    """Re-read with every section prefetched (fixed queries for progress and summary)."""
    return with_sections(Application.objects.filter(pk=application.pk)).get()


def posted_version(request) -> int | None:
    """The `version` the form was loaded with (hidden input); None when absent or malformed."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    # REMOTE_ADDR is what the web server saw; behind the TLS proxy gunicorn is started
    # with --forwarded-allow-ips so this is the client's address, not the proxy's.
    return request.META.get("REMOTE_ADDR") or None
