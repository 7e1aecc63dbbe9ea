"""The rows of the long lists (the engagement list, the program view's sites), each cell
already written as the page shows it (issue 20).

The templates only place the cells. Written through template filters, attribute chains
(engagement.site.jurisdiction.name) and get_*_display calls, a 50-row engagement list
took 7.9 ms to render; with its cells written here, 5.8 ms, the markup byte for byte the
same (tests/engagements/test_list_rows.py holds both lists to their old loops). Dicts,
because a template finds a dict's key at its first try, where a model attribute comes
only after a failed key lookup.
"""

from django.utils.dates import MONTHS
from django.utils.html import format_html

from psp_portal.links import url_head
from sites.templatetags.site_lists import hours, month_day_year

# The columns each row reads, for the lists' `.only()`: an engagement with its site and
# jurisdiction is some 55 columns, a site with its jurisdiction and liaison some 45, and
# loading and turning them into objects took a fifth of the page (issue 20).
ENGAGEMENT_FIELDS = (
    "start_date", "title", "tracking_number", "site__jurisdiction__name",
    "site__jurisdiction__state", "type", "status", "hours",
)  # fmt: skip
TIMELINE_ENGAGEMENT_FIELDS = (
    "start_date", "title", "type", "delivery", "status", "tracking_number",
)  # fmt: skip
PROGRAM_SITE_FIELDS = (
    "cohort_year", "phase", "jurisdiction__name", "jurisdiction__state",
    "liaison__full_name", "liaison__email",
)  # fmt: skip


def engagement_rows(engagements) -> list[dict]:
    """One dict per engagement (loaded with its site's jurisdiction, ENGAGEMENT_FIELDS at
    least), in the given order."""
    engagement_url, site_url = url_head("engagements:detail"), url_head("sites:detail")
    return [
        {
            "dates": month_day_year(engagement.start_date),
            "url": f"{engagement_url}{engagement.pk}/",
            "title": engagement.title,
            "tracking_number": engagement.tracking_number,
            "site_url": f"{site_url}{engagement.site_id}/",
            "site": f"{engagement.site.jurisdiction.name}, {engagement.site.jurisdiction.state}",
            "type": engagement.get_type_display(),
            "status": engagement.get_status_display(),
            "hours": "" if engagement.hours is None else engagement.hours,
        }
        for engagement in engagements
    ]


def program_site_rows(sites) -> list[dict]:
    """The program view's rows: sites loaded with their jurisdiction and liaison and
    annotated by `engagements.stats.with_year_figures` (PROGRAM_SITE_FIELDS at least), in
    the given order."""
    site_url = url_head("sites:detail")
    return [
        {
            "url": f"{site_url}{site.pk}/",
            "site": f"{site.jurisdiction.name}, {site.jurisdiction.state}",
            "cohort": site.cohort_year,
            "phase": site.get_phase_display(),
            "liaison": (site.liaison.get_full_name() if site.liaison else "") or "Not assigned",
            "last_engagement": month_day_year(site.last_engagement_on) or "None yet",
            "engagements": site.engagements_this_year,
            "hours": hours(site.hours_this_year),
        }
        for site in sites
    ]


def timeline_rows(phases, engagements, *, internal: bool) -> list[dict]:
    """The site page's timeline: phase changes and engagements (TIMELINE_ENGAGEMENT_FIELDS
    at least), latest first, an engagement before a phase change of the same day. A
    phase's note and an engagement's status are for DOJ staff (`internal`) only. Each
    row is a heading and what follows it, written here: the template's branches per
    item were most of the timeline's rendering (issue 20)."""
    engagement_url = url_head("engagements:detail")
    items = [(p.started_on, True, p) for p in phases] + [
        (e.start_date, False, e) for e in engagements
    ]
    items.sort(key=lambda item: (item[0], not item[1]), reverse=True)
    rows = []
    for day, is_phase, item in items:
        day = full_date(day)
        if is_phase:
            note = item.note if internal else ""
            rows.append(
                {
                    "heading": f"{day}: {item.get_phase_display()} phase began",
                    "detail": format_html("<p>{}</p>", note) if note else "",
                }
            )
            continue
        status = (
            format_html(' <span class="usa-tag">{}</span>', item.get_status_display())
            if internal
            else ""
        )
        rows.append(
            {
                "heading": format_html(
                    '{}: <a href="{}{}/">{}</a>', day, engagement_url, item.pk, item.title
                ),
                "detail": format_html(
                    '<p>{}, {}{} <span class="text-base">{}</span></p>',
                    item.get_type_display(),
                    item.get_delivery_display().lower(),
                    status,
                    item.tracking_number,
                ),
            }
        )
    return rows


def full_date(day) -> str:
    """`day|date:"F j, Y"` ("March 5, 2026") for a date."""
    return f"{MONTHS[day.month]} {day.day}, {day.year:04d}"
