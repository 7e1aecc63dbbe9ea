from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = "TTA engagements"

    def ready(self):
        # Connects the receivers that move the year totals on (every save or delete).
        from . import year_totals  # noqa: F401
