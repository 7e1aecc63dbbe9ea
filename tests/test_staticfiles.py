"""Static URLs are worked out once per process (psp_portal/staticfiles.py)."""

import json

from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from psp_portal.staticfiles import PortalStaticFilesStorage


def _storages(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/portal.css": "css/portal.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return (
        PortalStaticFilesStorage(location=tmp_path, base_url="/static/"),
        CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/"),
    )


@override_settings(DEBUG=False)
def test_static_urls_are_whitenoises_hashed_urls(tmp_path):
    portal, whitenoise = _storages(tmp_path)
    for _ in range(2):  # the second answer comes from the memo
        assert portal.url("css/portal.css") == whitenoise.url("css/portal.css")
    assert portal.url("css/portal.css") == "/static/css/portal.0123abcd.css"


def test_debug_serves_unhashed_names_as_django_does(tmp_path):
    portal, _ = _storages(tmp_path)
    with override_settings(DEBUG=False):
        portal.url("css/portal.css")
    with override_settings(DEBUG=True):
        assert portal.url("css/portal.css") == "/static/css/portal.css"
