"""Static files as production serves them: WhiteNoise's compressed manifest storage,
with each file's URL worked out once per process.

Every page asks for about ten static URLs (base.html's stylesheets, scripts and the
banner's images), and each costs a manifest lookup plus URL splitting, joining and
quoting. The manifest is read once when the storage is created and does not change
while the process runs, so neither do the URLs.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        # DEBUG serves unhashed names (Django's rule); force asks for the hashed one.
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
