from django.apps import AppConfig


class SitesConfig(AppConfig):
    # Label "sites" is ours: django.contrib.sites is never installed (see STYLE.md).
    name = "sites"
    label = "sites"
    verbose_name = "PSP sites"
