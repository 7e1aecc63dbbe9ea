"""Keeping ScoreSummary (each SOI's average of submitted reviews) in step with the reviews."""

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Sum

from applications.models import Application

from .models import Review, ScoreSummary


def average_of(total: int, count: int) -> Decimal | None:
    """The average the pages show and the slate ranks by: one decimal, half up."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _summaries(reviews) -> Iterator[ScoreSummary]:
    """One unsaved summary per SOI that has submitted reviews among `reviews`."""
    totals = (
        reviews.filter(status=Review.Status.SUBMITTED)
        .order_by()
        .values("assignment__application_id", "assignment__application__cycle_id")
        .annotate(total=Sum("total_score"), count=Count("pk"))
    )
    for row in totals.iterator():
        yield ScoreSummary(
            application_id=row["assignment__application_id"],
            cycle_id=row["assignment__application__cycle_id"],
            average=average_of(row["total"] or 0, row["count"]),
            reviews_submitted=row["count"],
        )


def score_summaries_refresh(application_ids: Iterable[int]) -> None:
    """Recompute the summaries of these SOIs from their submitted reviews (one aggregate
    query and one upsert, whatever the number); an SOI with none gets an empty one."""
    ids = set(application_ids)
    if not ids:
        return
    # Atomic here too, so a review saved outside any transaction (a script, a test's
    # setup) still gets its lock. The SOIs are locked first (in id order): two reviewers
    # submitting at once would each count only the reviews committed before their own,
    # and the later upsert would store one review too few. Behind the lock, the count
    # is a new statement and sees the other's committed review.
    with transaction.atomic():
        locked = Application.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        cycles = dict(locked.values_list("pk", "cycle_id"))
        found = {
            summary.application_id: summary
            for summary in _summaries(Review.objects.filter(assignment__application_id__in=ids))
        }
        ScoreSummary.objects.bulk_create(
            [
                found.get(pk) or ScoreSummary(application_id=pk, cycle_id=cycles[pk], average=None)
                for pk in ids
            ],
            update_conflicts=True,
            unique_fields=["application"],
            update_fields=["cycle", "average", "reviews_submitted"],
        )


def score_summaries_rebuild() -> int:
    """Every summary again from the reviews (for data loaded in bulk, where no receiver
    runs: the bench's generated data). Returns the number of SOIs with a summary."""
    ScoreSummary.objects.all().delete()
    created = ScoreSummary.objects.bulk_create(_summaries(Review.objects.all()), batch_size=1000)
    return len(created)
