"""gunicorn settings shared by the Dockerfile and docker-compose.yml (loaded with --config).

Read by gunicorn's master before it forks the workers.
"""

import os

import gunicorn.http.wsgi

# The proxy in front of gunicorn is the only peer whose X-Forwarded-* headers count;
# Django applies the same list (TRUSTED_PROXIES, psp_portal.middleware).
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")

# No "Server: gunicorn" banner (issue 14): gunicorn has no setting for it, so the
# header line is left out of the defaults it writes. Checked by tests/test_deploy.py.
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


gunicorn.http.wsgi.Response.default_headers = _default_headers_without_server
