"""Audit trails read from django-simple-history: who changed what, and when.

`history_rows` merges the history of several models (a site and its phases, liaisons,
focus areas, team and goals; an engagement and its follow-ups) into one list, newest
first, with one query per model whatever the length of the trail.
"""

from .models import Goal, Site, SiteFocusArea, SiteLiaisonAssignment, SitePhase, TeamMember

TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
SKIP_FIELDS = {"updated_at", "created_at"}


def _changes(record, previous) -> list[str]:
    # `previous` comes from the records already loaded: `record.prev_record` would run
    # one query per record and the page's query count would grow with the history.
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return sorted(c.field for c in delta.changes if c.field not in SKIP_FIELDS)


def history_rows(sources) -> list[dict]:
    """`sources`: (label, historical queryset) pairs. Newest first."""
    rows = []
    for label, records in sources:
        latest = {}  # object id -> its previous record
        for record in records.select_related("history_user").order_by("history_date", "history_id"):
            rows.append(
                {
                    "at": record.history_date,
                    "who": record.history_user,
                    "what": label,
                    "item": str(record.instance) if label != "Site" else "",
                    "type": TYPES.get(record.history_type, record.history_type),
                    "fields": _changes(record, latest.get(record.id)),
                }
            )
            latest[record.id] = record
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows


def site_history(site: Site) -> list[dict]:
    return history_rows(
        [
            ("Site", Site.history.filter(id=site.pk)),
            ("Phase", SitePhase.history.filter(site_id=site.pk)),
            ("Liaison", SiteLiaisonAssignment.history.filter(site_id=site.pk)),
            ("Focus area", SiteFocusArea.history.filter(site_id=site.pk)),
            ("Team", TeamMember.history.filter(site_id=site.pk)),
            ("Goal", Goal.history.filter(site_id=site.pk)),
        ]
    )
