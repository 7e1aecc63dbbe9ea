from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes (annual violent-crime figures)"

    def ready(self):
        # `sites` must not import `outcomes` (the dependency runs one way), so the
        # only hook that copies a new site's SOI baseline is a receiver here; it
        # only enqueues, and the daily task repairs anything it missed. program_token
        # connects the receivers by which every write to what the Outcomes page reads
        # moves its change token on.
        from . import program_token, receivers  # noqa: F401
