"""Demonstration engagements (a demo step after the sites; see demo/loader.py).

The two fictional "(demo)" sites of sites/demo.py get a live workspace for the demo
liaison: an engagement delivered and one planned around today, an overdue follow-up,
and one site (the second) with no delivery in 60 days.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from sites.demo import DEMO_SITES
from sites.models import Site

from .models import Engagement
from .services import engagement_log


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
