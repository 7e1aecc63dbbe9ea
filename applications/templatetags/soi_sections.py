"""Template access to the SOI section registry (applications.sections)."""

from django import template

from ..sections import SECTIONS

register = template.Library()


@register.filter
def section_parts(summary: dict) -> list:
    """(section, its part of a snapshot-shaped dict) in filing order.

    A snapshot frozen before a section existed lacks its part; that section is skipped."""
    return [
        (section, summary[section.snapshot_key])
        for section in SECTIONS
        if section.snapshot_key in summary
    ]


@register.filter
def iso_time(value: str | None):
    """A snapshot's ISO 8601 time as a datetime (for the |date filter); None if absent."""
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None
