from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review and selection"

    def ready(self):
        # Intake imports nothing from reviews; reviews fills the intake rules that need
        # review data (see applications.extensions).
        from applications import extensions

        from . import receivers  # noqa: F401 (connects the score summary receivers)
        from .access import declaration_url_for, narrow_for_reviewer_reading
        from .selectors import applicant_stage, with_applicant_stage

        extensions.register_reviewer_scope(narrow_for_reviewer_reading)
        extensions.register_declaration_gate(declaration_url_for)
        extensions.register_applicant_status(
            extensions.ApplicantStatusSource(load=with_applicant_stage, stage=applicant_stage)
        )
