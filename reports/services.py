"""State changes of a Report, each in one function (guard -> write -> audit -> after commit).

The row is the source of truth and every step is safe to run twice: Celery may
deliver a task twice (acks_late), the broker may lose a message, a worker may be
killed mid-render. Conditional updates ("claims") decide which process may act.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from .kinds import get_kind
from .models import Report, ReportSettings
from .pdf import html_to_pdf

logger = logging.getLogger(__name__)

# A report is given up (failed) after this many render attempts.
MAX_ATTEMPTS_DEFAULT = 5
# The sweeper re-publishes a queued report this long after its last publication.
QUEUED_STALE_MINUTES_DEFAULT = 10

# Publishing to a broker that is down raises these (kombu wraps redis errors in
# its OperationalError; a refused or timed-out socket is an OSError).
BROKER_ERRORS = (BrokerOperationalError, OSError)


def _max_attempts() -> int:
    return getattr(settings, "REPORTS_MAX_ATTEMPTS", MAX_ATTEMPTS_DEFAULT)


def _rendering_stale_after() -> timedelta:
    # A render still "rendering" after the hard time limit has lost its worker:
    # Celery would have killed it by then.
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _enqueue_render(report_id: int) -> None:
    """Publish the render task; a broker outage leaves the row queued for the sweeper."""
    from .tasks import report_render_task  # import inside: tasks imports services

    try:
        report_render_task.delay(report_id)
    except BROKER_ERRORS:
        # The request has committed; failing it now would lose nothing but would
        # show the user an error for a report that will still be produced.
        logger.warning(
            "Broker unavailable; report %s stays queued for the sweeper", report_id, exc_info=True
        )


def report_request(*, kind: str, params: dict, actor=None, schedule_key=None) -> Report:
    """Create a queued report and publish its render task after commit.

    `schedule_key` (scheduled reports) is unique: a second request with the same key
    raises IntegrityError and writes nothing.
    """
    get_kind(kind)  # raises UnknownReportKind before anything is written
    with transaction.atomic():
        report = Report(
            kind=kind,
            params=params,
            requested_by=actor,
            status=Report.Status.QUEUED,
            enqueued_at=timezone.now(),
            schedule_key=schedule_key,
        )
        report._history_user = actor  # audit row names the requester
        report.save()
        # After commit: a worker that picks the task up at once must find the row
        # (publishing inside the transaction would race the commit).
        transaction.on_commit(partial(_enqueue_render, report.pk))
    return report


def _claim_for_rendering(report_id: int) -> bool:
    """queued -> rendering, for exactly one worker."""
    now = timezone.now()
    # Conditional UPDATE: when the same task is delivered twice (acks_late,
    # redelivery after a lost ack) or the sweeper re-published it, only one
    # worker sees 1 row updated; the others return without rendering.
    # A "rendering" row whose worker died long ago may be taken over too.
    claimable = Q(status=Report.Status.QUEUED) | Q(
        status=Report.Status.RENDERING, started_at__lt=now - _rendering_stale_after()
    )
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            status=Report.Status.RENDERING,
            started_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )


def _release_claim(report_id: int) -> None:
    """rendering -> queued after a transient error, so the retry can claim it again."""
    Report.objects.filter(pk=report_id, status=Report.Status.RENDERING).update(
        status=Report.Status.QUEUED, enqueued_at=timezone.now()
    )


def report_render(*, report_id: int) -> None:
    """Produce the PDF of a queued report and store it; safe to call twice.

    Any exception from the template, the data or the storage propagates after the
    row is returned to "queued"; the task decides whether to retry (transient
    errors) or to call report_mark_failed.
    """
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Report %s no longer exists; nothing to render", report_id)
        return
    if report.status == Report.Status.READY:
        _notify_ready_once(report)  # a redelivered task; a failed notification gets another try
        return
    if report.status == Report.Status.FAILED:
        return
    if not _claim_for_rendering(report_id):
        return  # another worker holds it
    report.refresh_from_db()
    try:
        kind = get_kind(report.kind)
        context = _pdf_context(report, kind)
        pdf_bytes, page_count = html_to_pdf(kind.template_name, context)
        name = _store_pdf(report, kind, pdf_bytes)
    except BaseException:
        _release_claim(report_id)
        raise

    with transaction.atomic():
        # Row lock: the sweeper or report_mark_failed may be changing this row.
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status != Report.Status.RENDERING:
            logger.warning("Report %s changed to %s while rendering", report_id, report.status)
            return
        report.file.name = name
        report.status = Report.Status.READY
        report.page_count = page_count
        report.size_bytes = len(pdf_bytes)
        report.finished_at = timezone.now()
        report.error = ""
        report.save(
            update_fields=["file", "status", "page_count", "size_bytes", "finished_at", "error"]
        )
    _notify_ready_once(report)


def _pdf_context(report: Report, kind) -> dict:
    context = dict(kind.build_context(report))
    requester = report.requested_by
    report_settings = ReportSettings.load()
    context.update(
        report=report,
        report_kind=kind,
        # Internal kinds only: what goes to applicants carries no handling marking.
        marking=report_settings.marking if kind.is_internal else "",
        report_settings=report_settings,
        generated_at=timezone.localtime(timezone.now()),  # TIME_ZONE is Eastern
        requested_by_name=(
            f"{requester.get_full_name()} ({requester.email})"
            if requester
            else "PSP Portal (scheduled report)"
        ),
    )
    return context


def _store_pdf(report: Report, kind, pdf_bytes: bytes) -> str:
    """Write the PDF under a name fixed per report, replacing any earlier file."""
    storage = report.file.storage
    name = f"reports/{report.pk}/{kind.filename_for(report)}"
    # Overwrite, not "name_xyz.pdf": a second render after a lost ack leaves one file.
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(pdf_bytes))


def _notify_ready_once(report: Report) -> None:
    kind = get_kind(report.kind)
    if kind.on_ready is None:
        return
    # Claim on notified_at: two deliveries of the same task both reach here, and
    # only the one whose UPDATE matched a NULL calls on_ready (mail goes once).
    claimed = Report.objects.filter(
        pk=report.pk, status=Report.Status.READY, notified_at=None
    ).update(notified_at=timezone.now())
    if not claimed:
        return
    try:
        kind.on_ready(report)
    except BaseException:
        # Give the claim back so a retry of the task can notify; the PDF stays ready.
        Report.objects.filter(pk=report.pk).update(notified_at=None)
        raise


def report_mark_failed(*, report_id: int, error: str) -> Report | None:
    """Record that a report cannot be produced, keeping the error for staff."""
    with transaction.atomic():
        # Row lock: a late success and a failure must not both win.
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == Report.Status.READY:
            return report  # a ready PDF is never hidden by a later failure
        report.status = Report.Status.FAILED
        report.error = error[:10000] or "Unknown error"
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
    logger.error("Report %s (%s) failed: %s", report.pk, report.kind, report.error)
    return report


def report_sweep_stale(*, now=None) -> dict[str, int]:
    """Re-publish reports whose task was lost; give up after the maximum attempts.

    Queued rows last published more than REPORTS_QUEUED_STALE_MINUTES ago (broker
    down at request time, message lost) are published again. Rendering rows whose
    start is older than the task time limit lost their worker; they go back to
    queued, or to failed when their attempts are used up.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "recovered": 0, "failed": 0}
    queued_before = now - timedelta(
        minutes=getattr(settings, "REPORTS_QUEUED_STALE_MINUTES", QUEUED_STALE_MINUTES_DEFAULT)
    )
    stale_queued = Report.objects.filter(status=Report.Status.QUEUED).filter(
        Q(enqueued_at__lt=queued_before) | Q(enqueued_at=None, created_at__lt=queued_before)
    )
    for report_id, enqueued_at in stale_queued.values_list("pk", "enqueued_at"):
        # Claim on enqueued_at: two sweepers running at once (a beat restarted
        # twice) publish each row once.
        with transaction.atomic():
            if Report.objects.filter(
                pk=report_id, status=Report.Status.QUEUED, enqueued_at=enqueued_at
            ).update(enqueued_at=now):
                transaction.on_commit(partial(_enqueue_render, report_id))
                counts["requeued"] += 1

    rendering_before = now - _rendering_stale_after()
    stale_rendering = Report.objects.filter(
        status=Report.Status.RENDERING, started_at__lt=rendering_before
    )
    for report_id, attempts, started_at in stale_rendering.values_list(
        "pk", "attempts", "started_at"
    ):
        if attempts >= _max_attempts():
            report_mark_failed(
                report_id=report_id,
                error=f"Rendering did not finish after {attempts} attempts (worker lost or timed out).",
            )
            counts["failed"] += 1
            continue
        with transaction.atomic():
            # Conditional on started_at: a worker that claimed the row again in the
            # meantime keeps it.
            if Report.objects.filter(
                pk=report_id, status=Report.Status.RENDERING, started_at=started_at
            ).update(status=Report.Status.QUEUED, enqueued_at=now):
                transaction.on_commit(partial(_enqueue_render, report_id))
                counts["recovered"] += 1
    if any(counts.values()):
        logger.info("Report sweep: %s", counts)
    return counts


SETTINGS_FIELDS = (
    "marking",
    "controlled_by",
    "cui_category",
    "dissemination",
    "point_of_contact",
    "signatory_name",
    "signatory_title",
)


def report_settings_update(*, actor, **values) -> ReportSettings:
    """Change the marking, the CUI designation block or the letter signatory."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Not a report setting: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        obj = ReportSettings.load()
        for name, value in values.items():
            setattr(obj, name, value)
        obj._history_user = actor  # audit: who changed the marking or the signatory
        obj.save()
    return obj
