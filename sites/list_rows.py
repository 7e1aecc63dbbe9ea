"""The site list's rows, each cell already written as the page shows it (issue 20); the
template places them with `{% for_rows %}` (psp_portal/templatetags/rows.py), as the
engagement list and the program view do (engagements.list_rows)."""

from psp_portal.links import url_head

from .templatetags.site_lists import month_day_year

# The columns a row reads, for the list's `.only()`: a site with its jurisdiction and
# liaison is some 45 columns, most of them never shown here.
SITE_LIST_FIELDS = (
    "cohort_year", "engagement_level", "phase", "phase_started_on", "usao_district",
    "jurisdiction__name", "jurisdiction__state", "liaison__full_name", "liaison__email",
)  # fmt: skip


def site_list_rows(sites) -> list[dict]:
    """One dict per site (loaded with its jurisdiction, its liaison and its focus areas,
    SITE_LIST_FIELDS at least), in the given order."""
    site_url = url_head("sites:detail")
    rows = []
    for site in sites:
        level = site.get_engagement_level_display() if site.engagement_level else ""
        areas = ", ".join(str(area) for area in site.focus_area_rows.all())
        liaison = site.liaison.get_full_name() if site.liaison else ""
        rows.append(
            {
                "url": f"{site_url}{site.pk}/",
                "site": f"{site.jurisdiction.name}, {site.jurisdiction.state}",
                "cohort": f"{site.cohort_year} ({level})" if level else site.cohort_year,
                "phase": site.get_phase_display(),
                "phase_since": month_day_year(site.phase_started_on),
                "district": site.get_usao_district_display(),
                "liaison": liaison or "Not assigned",
                "focus_areas": areas or "None chosen",
            }
        )
    return rows
