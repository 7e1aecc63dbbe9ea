"""Copy a newly selected site's SOI baseline (the one signal receiver of this app).

`sites` does not know `outcomes` exists, so this is where a new site is noticed.
The receiver only enqueues, after commit; the copy itself is the idempotent
service outcome_baseline_from_soi, and the daily task repeats it for any site
still missing its baseline.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from sites.models import Site


def _enqueue(site_id: int) -> None:
    from .tasks import outcome_baseline_task

    outcome_baseline_task.delay(site_id)


@receiver(post_save, sender=Site, dispatch_uid="outcomes_baseline_from_soi")
def site_saved(sender, instance, created, raw=False, **kwargs):
    # Sites are created with their SOI (sites.services.site_create_from_application).
    if raw or not created or not instance.application_id:
        return
    transaction.on_commit(partial(_enqueue, instance.pk))
