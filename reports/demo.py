"""Demonstration report settings: a named letter signatory, so the demo can release letters."""

from .models import ReportSettings


def load_demo_report_settings() -> list[str]:
    settings_row = ReportSettings.load()
    if settings_row.has_signatory:
        return []  # a signatory someone configured is kept
    settings_row.signatory_name = "Karen L. Friedman"
    settings_row.signatory_title = "Director, Bureau of Justice Assistance"
    settings_row.save(update_fields=["signatory_name", "signatory_title", "updated_at"])
    return [f"Letter signatory (demo): {settings_row.signatory_name}"]
