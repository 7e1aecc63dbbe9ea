"""Keeping ScoreSummary (each SOI's average of submitted reviews) in step with the reviews."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from .models import Review, ScoreSummary


def average_of(total: int, count: int) -> Decimal | None:
    """The average the pages show: one decimal, half up (QueueRow.average_score)."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP)


def score_summaries_refresh(application_ids: Iterable[int]) -> None:
    """Recompute the summaries of these SOIs from their submitted reviews (one aggregate
    query and one upsert, whatever the number)."""
    ids = set(application_ids)
    if not ids:
        return
    totals = {
        row["assignment__application_id"]: row
        for row in Review.objects.filter(
            assignment__application_id__in=ids, status=Review.Status.SUBMITTED
        )
        .order_by()
        .values("assignment__application_id")
        .annotate(total=Sum("total_score"), count=Count("pk"))
    }
    rows = []
    for pk in ids:
        row = totals.get(pk, {"total": 0, "count": 0})
        rows.append(
            ScoreSummary(
                application_id=pk,
                average=average_of(row["total"] or 0, row["count"]),
                reviews_submitted=row["count"],
            )
        )
    ScoreSummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["application"],
        update_fields=["average", "reviews_submitted"],
    )


def score_summaries_rebuild() -> int:
    """Every summary again from the reviews (for data loaded in bulk, where no receiver
    runs: the bench's generated data). Returns the number of SOIs with a summary."""
    rows = (
        Review.objects.filter(status=Review.Status.SUBMITTED)
        .order_by()
        .values("assignment__application_id")
        .annotate(total=Sum("total_score"), count=Count("pk"))
    )
    ScoreSummary.objects.all().delete()
    created = ScoreSummary.objects.bulk_create(
        [
            ScoreSummary(
                application_id=row["assignment__application_id"],
                average=average_of(row["total"] or 0, row["count"]),
                reviews_submitted=row["count"],
            )
            for row in rows.iterator()
        ],
        batch_size=1000,
    )
    return len(created)
