"""The review queue's and the slate's table rows, each cell already written as the page
shows it (issue 20).

Through `{% for %}`, each of a 25-row page's some 300 cells was a lookup chain
(row.application.jurisdiction.name, row.latest_rate.rate...), filters and `{% if %}`
nodes: the larger part of the queue's and the slate's rendering. The templates now only
place these values (`{% for_rows %}`); tests/reviews/test_page_rows.py holds the markup
to the old loops', byte for byte.
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import localize
from django.utils.html import format_html

from psp_portal.links import url_around, url_head

from .selectors import QueueRow


def _shown(value) -> str:
    """`{{ value }}` before escaping (the row's escaping is `{% for_rows %}`'s)."""
    return str(localize(value))


def _average(row: QueueRow) -> str:
    average = row.average_score
    return "-" if average is None else f"{_shown(average)} / {row.max_total}"


def _reviews(row: QueueRow) -> str:
    return f"{row.review_count} of {len(row.assignments)}"


def queue_rows(rows: list[QueueRow]) -> list[dict]:
    """The review queue's rows (list_rows), in the given order."""
    soi_url = url_head("reviews:application")
    out = []
    for row in rows:
        application, latest = row.application, row.latest_rate
        population = application.population
        ratio = latest["ratio"] if latest else None
        rate = f"{_shown(latest['rate'])} ({_shown(latest['year'])})" if latest else "-"
        status = row.status_label
        if row.my_assignment:
            review = row.my_review
            mine = review.get_status_display() if review else "not started"
            status = format_html("{}<br>My review: {}", status, mine)
        out.append(
            {
                "url": f"{soi_url}{application.pk}/",
                "reference": application.reference_number,
                "jurisdiction": application.jurisdiction.name,
                "state": application.jurisdiction.state,
                # intcomma(None) is "None": the old template showed that, not "-".
                "population": "-" if population is None else intcomma(population),
                "latest_rate": rate,
                "ratio": f"{_shown(ratio)} x" if ratio else "-",
                "screening": row.screening.result_label,
                "reviews": _reviews(row),
                "average": _average(row),
                "status": status,
            }
        )
    return out


def slate_rows(rows: list[QueueRow], *, first_rank: int, can_decide: bool) -> list[dict]:
    """The slate's rows (list_rows) ranked from `first_rank`; an undecided SOI links to
    the decision form for those who `can_decide`."""
    soi_url = url_head("reviews:application")
    decide_head, decide_tail = url_around("reviews:decide")
    out = []
    for rank, row in enumerate(rows, start=first_rank):
        application, latest, decision = row.application, row.latest_rate, row.decision
        if latest:
            ratio = "-" if latest["ratio"] is None else _shown(latest["ratio"])
            rate = f"{_shown(latest['rate'])} ({ratio} x)"
        else:
            rate = "-"
        if decision:
            released = " (released)" if decision.released_at else " (not released)"
            outcome = f"{decision.get_outcome_display()}{released}"
        elif can_decide:
            outcome = format_html(
                '<a href="{}{}{}">Record decision</a>', decide_head, application.pk, decide_tail
            )
        else:
            outcome = "None yet"
        jurisdiction = application.jurisdiction
        out.append(
            {
                "rank": rank,
                "url": f"{soi_url}{application.pk}/",
                "name": f"{jurisdiction.name}, {jurisdiction.state}",
                "reference": application.reference_number,
                "average": _average(row),
                "reviews": _reviews(row),
                "latest_rate": rate,
                "screening": row.screening.result_label,
                "overridden": " (overridden)" if row.screening.overridden else "",
                "decision": outcome,
            }
        )
    return out
