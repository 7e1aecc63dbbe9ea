"""gunicorn settings shared by the Dockerfile and docker-compose.yml (loaded with --config).

Read by gunicorn's master before it forks the workers.
"""

import os
import sys

import gunicorn.http.wsgi

# JSON-lines logs in UTC with the request id on each access line (psp_portal/logs.py),
# like Django's and Celery's. The config is read before gunicorn puts the project on
# sys.path, so put it there first.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psp_portal.gunicorn_conf import access_log_format, logconfig_dict  # noqa: E402,F401

# The proxy in front of gunicorn is the only peer whose X-Forwarded-* headers count;
# Django applies the same list (TRUSTED_PROXIES, psp_portal.middleware).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")

# No "Server: gunicorn" banner (issue 14): gunicorn has no setting for it, so the
# header line is left out of the defaults it writes. Checked by tests/test_deploy.py.
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


gunicorn.http.wsgi.Response.default_headers = _default_headers_without_server


# Load the portal once, in the master, before forking the workers. A worker then serves
# at once, where it would otherwise spend about a second of CPU importing Django and the
# portal (on a small machine, while its siblings already serve), and the workers share
# the loaded code's memory. A code change needs a restart rather than a HUP, which is how
# the image is deployed. Nothing opens a database or Redis connection at import.
preload_app = True


def when_ready(server):
    if not server.cfg.preload_app:
        return
    # The URLconf too (every view module, form and template library), which each worker
    # would otherwise import on its first request; then freeze all of it before the
    # forks, so the workers' collections never scan (and copy-on-write) those pages.
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    # Each worker freezes what start-up loaded and collects less often
    # (psp_portal/gc_tuning.py). After the worker has loaded the application: post_fork
    # runs before that, so without preload it would freeze gunicorn's objects only.
    from psp_portal.gc_tuning import tune_for_serving

    tune_for_serving()
