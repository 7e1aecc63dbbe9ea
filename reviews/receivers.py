"""Receivers that keep derived review data in step (connected in ReviewsConfig.ready)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Review, ReviewAssignment
from .scores import score_summaries_refresh


@receiver(post_save, sender=Review, dispatch_uid="reviews.score_summary.save")
@receiver(post_delete, sender=Review, dispatch_uid="reviews.score_summary.delete")
def review_changed(sender, instance: Review, **kwargs) -> None:
    # Inside the caller's transaction: the slate never sees a review without its average.
    if Review.assignment.is_cached(instance):
        application_id = instance.assignment.application_id
    else:
        application_id = (
            ReviewAssignment.objects.filter(pk=instance.assignment_id)
            .values_list("application_id", flat=True)
            .first()
        )
    if application_id is not None:
        score_summaries_refresh([application_id])
