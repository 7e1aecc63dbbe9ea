"""The audit trail of one SOI, from django-simple-history, for staff."""

from ..models import Application, Certification, Contact, CrimeFigures, IceAnswer, Letter

CHILD_MODELS = [
    (Contact, "Contacts"),
    (CrimeFigures, "Violent-crime figures"),
    (Letter, "Letters"),
    (Certification, "Certification"),
    (IceAnswer, "ICE-cooperation answers"),
]
TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
SKIP_FIELDS = {"version", "section_saves", "updated_at", "snapshot"}


def _changes(record, previous) -> list[str]:
    # `previous` is found in the already-loaded records: `record.prev_record` would run
    # one query per record, so the page's query count would grow with the history.
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return sorted(c.field for c in delta.changes if c.field not in SKIP_FIELDS)


def application_history(application: Application) -> list[dict]:
    """Newest first: when, who, what, which fields changed (one query per model)."""
    rows = []
    records = application.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    previous = None
    for record in records:
        rows.append(
            {
                "at": record.history_date,
                "who": record.history_user,
                "what": "Statement of Interest",
                "type": TYPES.get(record.history_type, record.history_type),
                "fields": _changes(record, previous),
                "status": record.status,
            }
        )
        previous = record
    for model, label in CHILD_MODELS:
        latest = {}  # child object id -> its previous record
        for record in (
            model.history.filter(application_id=application.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ):
            rows.append(
                {
                    "at": record.history_date,
                    "who": record.history_user,
                    "what": label,
                    "type": TYPES.get(record.history_type, record.history_type),
                    "fields": _changes(record, latest.get(record.id)),
                    "status": "",
                }
            )
            latest[record.id] = record
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows
