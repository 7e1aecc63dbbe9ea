"""The site page's own panels, named so that the page's composer can call them.

The site page also shows engagement panels; engagements composes the page
(engagements/site_pages.py), because engagements depends on sites, never the reverse.
"""

from .access import can_edit_plan, can_manage_sites, can_see_internal


def site_panels(user, site) -> dict:
    """Profile, team, goals and phases of a site the user may read (checked by the caller);
    the liaison history for readers of INTERNAL fields. One query per list."""
    internal = can_see_internal(user)
    panels = {
        "site": site,
        "internal": internal,
        "focus_areas": [row.get_focus_area_display() for row in site.focus_area_rows.all()],
        "team": list(site.team.all()),
        "goals": list(site.goals.all()),
        "phases": list(site.phases.all()),
        "can_manage": can_manage_sites(user),
        "can_edit_plan": can_edit_plan(user, site),
    }
    if internal:
        panels["assignments"] = list(site.liaison_assignments.select_related("liaison"))
    return panels
