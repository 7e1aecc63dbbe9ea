"""The program's delivered engagements and hours in a year, counted once per change.

The program view shows them on every request. Counting them read every delivered
engagement of the year: 25,000 index entries and 4 to 6 ms at bench scale 10, a third
of the page (issue 20), for figures that change only when an engagement is written. So
each process keeps them under the engagements' change token (psp_portal/change_tokens.py),
which every committed save or delete of an engagement replaces; the CSV import's bulk
insert sends no signal and calls `engagements_changed`.
"""

from django.db.models import Count, Sum

from psp_portal.change_tokens import ChangeToken

from .models import Engagement, EngagementsToken

ENGAGEMENTS = ChangeToken(EngagementsToken, inputs=[Engagement])


def engagements_changed() -> None:
    """Call after writing engagements without a model signal (bulk_create, update())."""
    ENGAGEMENTS.changed()


def _count(year: int) -> tuple[int, object]:
    totals = Engagement.objects.filter(
        status=Engagement.Status.DELIVERED, start_date__year=year
    ).aggregate(engagements=Count("*"), hours=Sum("hours"))
    return totals["engagements"], totals["hours"] or 0


def delivered_in_year(year: int) -> tuple[int, object]:
    """(engagements delivered, their hours) of engagements starting in `year`: one query,
    the token's, unless this process has not counted the year since the last change."""
    return ENGAGEMENTS.kept(("delivered", year), lambda: _count(year))
