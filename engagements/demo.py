"""Demonstration engagements (a demo step after the sites; see demo/loader.py).

The two fictional "(demo)" sites of sites/demo.py get a live workspace for the demo
liaison: an engagement delivered and one planned around today, an overdue follow-up,
and one site (the second) with no delivery in 60 days. The first also has its liaison's
narrative for the current half-year (`load_demo_narratives`, a step of its own so that
databases loaded before it get one too), which `make pdf-samples` renders.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from sites.demo import DEMO_SITES
from sites.models import Site

from .models import Engagement, NarrativeUpdate
from .services import engagement_log, narrative_save


def load_demo_engagements() -> list[str]:
    admin = get_user_model().objects.filter(email="admin@demo.psp.gov").first()
    today = timezone.localdate()
    logged = 0
    for index, (name, _kind, state, _district) in enumerate(DEMO_SITES):
        site = (
            Site.objects.select_related("liaison")
            .filter(jurisdiction__name=name, jurisdiction__state=state, cohort_year=2024)
            .first()
        )
        # Idempotent: a demo site that already has engagements was done by an earlier run.
        if site is None or site.engagements.exists():
            continue
        actor = site.liaison or admin
        logged += _demo_engagements(site, actor, today, quiet=index == 1)
    return [f"Demo engagements: {logged} logged ({Engagement.objects.count()} in all)."]


def _demo_engagements(site, actor, today, *, quiet: bool) -> int:
    def day(offset):
        return today + datetime.timedelta(days=offset)

    common = {"provider": "BJA TTA provider", "delivery": Engagement.Delivery.ON_SITE}
    past = day(-90 if quiet else -20)
    engagement_log(
        site=site, actor=actor, status=Engagement.Status.DELIVERED,
        title="Crime-analysis assessment", type=Engagement.Type.ASSESSMENT,
        focus_areas=["crime_analysis"], start_date=past, end_date=past, hours=Decimal("16"),
        participants=14, agencies_represented=3, target_audience="Analysts and command staff",
        **common,
    )  # fmt: skip
    engagement_log(
        site=site, actor=actor, title="NIBIN and crime-gun intelligence training",
        type=Engagement.Type.TRAINING, focus_areas=["gun_violence", "technology"],
        start_date=day(25 if quiet else 10), end_date=day(25 if quiet else 10),
        follow_ups=[(None, {"description": "Send the draft agenda to the chief",
                            "owner": "Site liaison", "due_date": day(-3), "done": False})],
        **common,
    )  # fmt: skip
    return 2


DEMO_NARRATIVE = """\
The site held its crime-analysis assessment this half-year: fourteen analysts and command \
staff from three agencies reviewed the department's crime-analysis unit, its data flows \
and the weekly CompStat briefing with the BJA TTA provider.

The assessment's first recommendations are under way: the unit now maps nonfatal shootings \
alongside homicides, and the chief has asked for a draft agenda for the NIBIN and \
crime-gun intelligence training planned for next month.

Next half-year the site expects the training, a peer exchange with a graduated PSP site, \
and a first review of the gun-violence problem analysis with the district's U.S. Attorney's \
Office."""


def load_demo_narratives() -> list[str]:
    """The liaison's narrative for the current half-year at the first demo site (once)."""
    name, _kind, state, _district = DEMO_SITES[0]
    site = (
        Site.objects.select_related("liaison")
        .filter(jurisdiction__name=name, jurisdiction__state=state, cohort_year=2024)
        .first()
    )
    today = timezone.localdate()
    half = 1 if today.month <= 6 else 2
    created = 0
    # Idempotent: the narrative written by an earlier run is left as it is.
    if site is not None and not site.narratives.filter(year=today.year, half=half).exists():
        actor = site.liaison or get_user_model().objects.filter(email="admin@demo.psp.gov").first()
        narrative_save(site=site, year=today.year, half=half, narrative=DEMO_NARRATIVE, actor=actor)
        created = 1
    return [f"Demo narratives: {created} written ({NarrativeUpdate.objects.count()} in all)."]
