"""Every change to an engagement goes through these functions, which record who made it."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from program.focus_areas import FocusArea

from .models import Attachment, Engagement, FollowUpAction, NarrativeUpdate, TrackingCounter
from .uploads import validate_attachment
from .year_totals import engagements_changed


class EngagementError(Exception):
    """A business rule refused the change; the message says why."""


EDITABLE_FIELDS = (
    "title", "type", "focus_areas", "provider", "start_date", "end_date", "delivery", "hours",
    "participants", "agencies_represented", "target_audience", "summary", "outcomes",
    "milestones", "internal_notes",
)  # fmt: skip


def tracking_numbers_allocate(*, count: int, day: datetime.date | None = None) -> list[str]:
    """Reserve `count` consecutive `YYYYMMDD-########` numbers for `day` in one statement.

    The day's counter row is locked only until the surrounding transaction ends:
    engagement_log calls this inside its own short transaction (count 1); the CSV
    import calls it in a transaction of its own, just before its bulk insert, so a
    2,000-row import holds the lock for one UPDATE, not for the whole import. A
    block whose insert then fails leaves a gap: numbers are unique, not gapless.
    """
    if count < 1:
        return []
    day = day or timezone.localdate()
    with transaction.atomic():
        # The UPDATE locks the day's counter row until this transaction ends, so two
        # concurrent allocations can never hand out the same value.
        updated = TrackingCounter.objects.filter(day=day).update(last_value=F("last_value") + count)
        if not updated:
            try:
                # First numbers of the day. Two at once: one INSERT wins, the other
                # fails on the primary key and falls back to the UPDATE.
                with transaction.atomic():
                    TrackingCounter.objects.create(day=day, last_value=count)
            except IntegrityError:
                TrackingCounter.objects.filter(day=day).update(last_value=F("last_value") + count)
        last = TrackingCounter.objects.values_list("last_value", flat=True).get(day=day)
    if last > 99_999_999:
        raise EngagementError(_("No tracking numbers left for %s.") % day)
    return [f"{day:%Y%m%d}-{value:08d}" for value in range(last - count + 1, last + 1)]


def tracking_number_next(day: datetime.date | None = None) -> str:
    """The next `YYYYMMDD-########` number for `day`; call inside the creating transaction."""
    return tracking_numbers_allocate(count=1, day=day)[0]


def _check(engagement: Engagement) -> None:
    """The rules a form also checks, repeated here so imports and scripts obey them."""
    errors = {}
    if (
        engagement.start_date
        and engagement.end_date
        and engagement.end_date < engagement.start_date
    ):
        errors["end_date"] = _("The end date is before the start date.")
    for name in ("hours", "participants", "agencies_represented"):
        value = getattr(engagement, name)
        if value is not None and value < 0:
            errors[name] = _("Must not be negative.")
    unknown = [v for v in engagement.focus_areas if v not in FocusArea.values]
    if unknown:
        errors["focus_areas"] = _("Not a PSP focus area: %s.") % ", ".join(map(str, unknown))
    if errors:
        raise ValidationError(errors)


def _save_follow_ups(engagement, follow_ups, removed, actor) -> None:
    for action in removed:
        if action.pk and action.engagement_id == engagement.pk:
            action._history_user = actor
            action.delete()
    for action, fields in follow_ups:
        action = action if action is not None and action.pk else FollowUpAction()
        action.engagement = engagement
        for name, value in fields.items():
            setattr(action, name, value)
        action._history_user = actor
        action.save()


def _engagement_new(*, site, actor, status, fields: dict) -> Engagement:
    """A checked, unsaved engagement (without its tracking number)."""
    if status not in (Engagement.Status.PLANNED, Engagement.Status.DELIVERED):
        raise EngagementError(_("A new engagement is planned or delivered."))
    fields = dict(fields)
    engagement = Engagement(site=site, status=status, created_by=actor)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(engagement, name, fields.pop(name))
    if fields:
        raise EngagementError(_("Unknown fields: %s.") % ", ".join(sorted(fields)))
    engagement.focus_areas = sorted(set(engagement.focus_areas or []))
    _check(engagement)
    if status == Engagement.Status.DELIVERED:
        engagement.delivered_at = timezone.now()
    return engagement


@transaction.atomic
def engagement_log(*, site, actor, follow_ups=(), status=Engagement.Status.PLANNED, **fields):
    """Record an engagement for a site (planned or already delivered) with a tracking number.

    Access (is `actor` the site's liaison?) is checked by the caller through
    engagements.access; this function checks the engagement itself.
    """
    engagement = _engagement_new(site=site, actor=actor, status=status, fields=fields)
    engagement.tracking_number = tracking_number_next()
    engagement._history_user = actor
    engagement.save()
    _save_follow_ups(engagement, follow_ups, (), actor)
    return engagement


def engagements_log_many(
    *, rows: list[dict], actor, batch_size: int = 500, then=None
) -> list[Engagement]:
    """Record many engagements (the CSV import): all of them, or none.

    Each row is the keyword arguments of engagement_log (site, status and fields).
    Call outside any transaction: the tracking numbers are allocated as one block in
    a short transaction of their own, so the day's counter is not locked while the
    rows are inserted, and a single engagement logged meanwhile does not wait.
    `then(created)` runs inside the insert's transaction (the import job marks
    itself done there, so a retried task cannot insert the rows twice).
    """
    engagements = []
    for row in rows:
        row = dict(row)
        site, status = row.pop("site"), row.pop("status", Engagement.Status.PLANNED)
        engagements.append(_engagement_new(site=site, actor=actor, status=status, fields=row))
    for engagement, number in zip(
        engagements, tracking_numbers_allocate(count=len(engagements)), strict=True
    ):
        engagement.tracking_number = number
    now = timezone.now()
    for engagement in engagements:
        # bulk_create skips auto_now/auto_now_add only on some backends; set them.
        engagement.created_at = engagement.updated_at = now
    # One transaction: every row and its audit row, or nothing.
    with transaction.atomic():
        created = bulk_create_with_history(
            engagements, Engagement, batch_size=batch_size, default_user=actor
        )
        engagements_changed()  # bulk_create sends no post_save
        if then is not None:
            then(created)
    return created


@transaction.atomic
def engagement_update(*, engagement, actor, follow_ups=(), removed_follow_ups=(), **fields):
    """Change an engagement's details and its follow-up actions."""
    # Lock: a concurrent cancel must not be overwritten by a stale edit form.
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not engagement.is_editable():
        raise EngagementError(_("A cancelled engagement cannot be changed."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise EngagementError(_("Unknown fields: %s.") % ", ".join(sorted(unknown)))
    for name, value in fields.items():
        setattr(engagement, name, value)
    engagement.focus_areas = sorted(set(engagement.focus_areas or []))
    _check(engagement)
    engagement._history_user = actor
    engagement.save()
    _save_follow_ups(engagement, follow_ups, removed_follow_ups, actor)
    return engagement


@transaction.atomic
def engagement_deliver(
    *,
    engagement,
    actor,
    start_date: datetime.date,
    end_date: datetime.date,
    hours: Decimal,
    participants: int,
    agencies_represented: int,
    outcomes: str = "",
    summary: str | None = None,
):
    """Mark a planned engagement delivered, replacing the estimates with the actual figures."""
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not engagement.can_move_to(Engagement.Status.DELIVERED):
        raise EngagementError(_("Only a planned engagement can be marked delivered."))
    if start_date > timezone.localdate():
        raise EngagementError(_("An engagement that has not started cannot be delivered."))
    engagement.start_date, engagement.end_date = start_date, end_date
    engagement.hours, engagement.participants = hours, participants
    engagement.agencies_represented = agencies_represented
    if outcomes:
        engagement.outcomes = outcomes
    if summary is not None:
        engagement.summary = summary
    _check(engagement)
    engagement.status = Engagement.Status.DELIVERED
    engagement.delivered_at = timezone.now()
    engagement._history_user = actor
    engagement.save()
    return engagement


@transaction.atomic
def engagement_cancel(*, engagement, actor, reason: str):
    """Cancel a planned engagement; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise EngagementError(_("Give the reason for cancelling."))
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if not engagement.can_move_to(Engagement.Status.CANCELLED):
        raise EngagementError(_("Only a planned engagement can be cancelled."))
    engagement.status = Engagement.Status.CANCELLED
    engagement.cancellation_reason = reason
    engagement.cancelled_at = timezone.now()
    engagement._history_user = actor
    engagement.save(update_fields=["status", "cancellation_reason", "cancelled_at", "updated_at"])
    return engagement


@transaction.atomic
def follow_up_set_done(*, action: FollowUpAction, done: bool, actor) -> FollowUpAction:
    action.done = done
    action._history_user = actor
    action.save(update_fields=["done"])
    return action


@transaction.atomic
def attachment_add(*, engagement, upload, actor) -> Attachment:
    """Store an uploaded file after checking its content type and size."""
    content_type, extension = validate_attachment(upload)
    attachment = Attachment(
        engagement=engagement,
        uuid=uuid.uuid4(),
        original_name=upload.name[-200:],
        content_type=content_type,
        extension=extension,
        size_bytes=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    attachment._history_user = actor
    attachment.save()
    return attachment


def half_year_bounds(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    if half == NarrativeUpdate.Half.FIRST:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def half_year_figures(*, site, year: int, half: int) -> dict:
    """Delivered engagements and their hours in the half-year (by start date)."""
    from django.db.models import Count, Sum

    first, last = half_year_bounds(year, half)
    figures = Engagement.objects.filter(
        site=site, status=Engagement.Status.DELIVERED, start_date__range=(first, last)
    ).aggregate(count=Count("pk"), hours=Sum("hours"))
    return {"engagements_delivered": figures["count"], "hours_delivered": figures["hours"] or 0}


@transaction.atomic
def narrative_save(
    *,
    site,
    year: int,
    half: int,
    narrative: str,
    actor,
    engagements_delivered=None,
    hours_delivered=None,
) -> NarrativeUpdate:
    """Write (or rewrite) the site's narrative for a half-year."""
    if not (narrative or "").strip():
        raise EngagementError(_("Write the narrative update."))
    if half not in NarrativeUpdate.Half.values:
        raise EngagementError(_("The half-year is 1 (January-June) or 2 (July-December)."))
    if datetime.date(year, 1 if half == 1 else 7, 1) > timezone.localdate():
        raise EngagementError(_("That half-year has not begun."))
    figures = half_year_figures(site=site, year=year, half=half)
    update, _created = NarrativeUpdate.objects.select_for_update().get_or_create(
        site=site, year=year, half=half, defaults={"narrative": narrative, "author": actor}
    )
    update.narrative = narrative
    update.author = actor
    update.engagements_delivered = (
        figures["engagements_delivered"] if engagements_delivered is None else engagements_delivered
    )
    update.hours_delivered = (
        figures["hours_delivered"] if hours_delivered is None else hours_delivered
    )
    update._history_user = actor
    update.save()
    return update
