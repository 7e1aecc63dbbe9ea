"""State changes of a Report, each in one function (guard -> write -> audit -> after commit).

The row is the source of truth and every step is safe to run twice: Celery may
deliver a task twice (acks_late), the broker may lose a message, a worker may be
killed mid-render. Conditional updates ("claims") decide which process may act.
"""

import logging
import os
import socket
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from .kinds import get_kind
from .models import Report, ReportSettings
from .pdf import html_to_pdf

logger = logging.getLogger(__name__)

# A render still "rendering" with this many attempts is failed by the sweeper.
MAX_ATTEMPTS_DEFAULT = 5
# A failure worth another try (an environment error, or a kind the system must
# deliver) is re-run by the sweeper until the report has had this many attempts in
# all; then program admins are alerted and the sweeper stops.
RETRY_MAX_ATTEMPTS_DEFAULT = 30
# Wait before the sweeper's next try: this many seconds per attempt so far, capped.
RETRY_DELAY_PER_ATTEMPT_DEFAULT = 60
RETRY_DELAY_MAX_DEFAULT = 3600
# The sweeper re-publishes a queued report this long after its last publication.
QUEUED_STALE_MINUTES_DEFAULT = 10

# Publishing to a broker that is down raises these (kombu wraps redis errors in
# its OperationalError; a refused or timed-out socket is an OSError).
BROKER_ERRORS = (BrokerOperationalError, OSError)


def _max_attempts() -> int:
    return getattr(settings, "REPORTS_MAX_ATTEMPTS", MAX_ATTEMPTS_DEFAULT)


def worker_identity() -> str:
    """This process, as recorded on the claim: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _retry_delay(attempts: int) -> timedelta:
    per_attempt = getattr(
        settings, "REPORTS_RETRY_DELAY_PER_ATTEMPT", RETRY_DELAY_PER_ATTEMPT_DEFAULT
    )
    cap = getattr(settings, "REPORTS_RETRY_DELAY_MAX", RETRY_DELAY_MAX_DEFAULT)
    return timedelta(seconds=min(per_attempt * max(attempts, 1), cap))


def _retry_max_attempts() -> int:
    return getattr(settings, "REPORTS_RETRY_MAX_ATTEMPTS", RETRY_MAX_ATTEMPTS_DEFAULT)


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


def _claim_for_rendering(report_id: int, *, task_id: str = "", worker: str = "") -> bool:
    """queued -> rendering, for exactly one worker; the claim names the task and worker."""
    now = timezone.now()
    # Conditional UPDATE: when the sweeper re-published a row or two messages
    # exist for it, only one worker sees 1 row updated; the others return
    # without rendering. A "rendering" row whose worker died long ago may be
    # taken over too.
    claimable = Q(status=Report.Status.QUEUED) | Q(
        status=Report.Status.RENDERING, started_at__lt=now - _rendering_stale_after()
    )
    if task_id:
        # The same task id again means the message that holds the claim came back:
        # redelivered after its worker process was killed, or retried after an error
        # (Celery keeps the id). Nobody else is working on it, so take over now
        # rather than wait for the sweeper to call the row stale.
        claimable |= Q(status=Report.Status.RENDERING, claim_task_id=task_id)
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            status=Report.Status.RENDERING,
            started_at=now,
            attempts=F("attempts") + 1,
            error="",
            claim_task_id=task_id,
            claim_worker=worker,
            next_attempt_at=None,
        )
    )


def _release_claim(report_id: int, *, task_id: str, worker: str) -> None:
    """rendering -> queued after an error, so the retry (or the sweeper) can claim it again."""
    try:
        Report.objects.filter(
            pk=report_id,
            status=Report.Status.RENDERING,
            claim_task_id=task_id,
            claim_worker=worker,
        ).update(status=Report.Status.QUEUED, enqueued_at=timezone.now())
    except DatabaseError:
        # The database itself failed: the retry carries the same task id and takes
        # the claim over, so nothing waits on this release.
        logger.warning("Could not release the claim on report %s", report_id, exc_info=True)


def _discard_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("Could not remove the unsaved PDF %s", name, exc_info=True)


def report_render(*, report_id: int, task_id: str = "", worker: str = "") -> None:
    """Produce the PDF of a queued report and store it; safe to call twice.

    `task_id` and `worker` name the claim (Celery's task id, host:pid). Any
    exception from the template, the data, the storage or the final save
    propagates after the claim is released and any stored file removed; the task
    decides whether to retry (transient errors) or to call report_mark_failed.
    """
    worker = worker or worker_identity()
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Report %s no longer exists; nothing to render", report_id)
        return
    if report.status == Report.Status.READY:
        _notify_ready_once(report)  # a redelivered task; a failed notification gets another try
        return
    if report.status in (Report.Status.FAILED, Report.Status.EXPIRED):
        return  # only report_rerun (or the sweeper) puts these back in the queue
    if not _claim_for_rendering(report_id, task_id=task_id, worker=worker):
        return  # another worker holds it
    report.refresh_from_db()
    try:
        kind = get_kind(report.kind)
        context = _pdf_context(report, kind)
        pdf_bytes, page_count = html_to_pdf(kind.template_name, context)
        name = _store_pdf(report, kind, pdf_bytes)
    except BaseException:
        _release_claim(report_id, task_id=task_id, worker=worker)
        raise

    try:
        with transaction.atomic():
            # Row lock: the sweeper or report_mark_failed may be changing this row.
            report = Report.objects.select_for_update().get(pk=report_id)
            if (
                report.status != Report.Status.RENDERING
                or report.claim_task_id != task_id
                or report.claim_worker != worker
            ):
                # Another delivery took the claim over; it stores the same file name,
                # so the file is left for it.
                logger.warning(
                    "Report %s lost its claim while rendering (now %s, held by %s)",
                    report_id,
                    report.status,
                    report.claim_worker or "nobody",
                )
                return
            report.file.name = name
            report.status = Report.Status.READY
            report.page_count = page_count
            report.size_bytes = len(pdf_bytes)
            report.finished_at = timezone.now()
            report.error = ""
            report.next_attempt_at = None
            report.save(
                update_fields=[
                    "file", "status", "page_count", "size_bytes", "finished_at", "error",
                    "next_attempt_at",
                ]
            )  # fmt: skip
    except BaseException:
        # The PDF is stored but no row points at it (the database failed mid-save):
        # remove it so no file is orphaned; the retry renders and stores it again.
        _discard_file(report.file.storage, name)
        _release_claim(report_id, task_id=task_id, worker=worker)
        raise
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


def _should_retry(report: Report, retryable: bool) -> bool:
    try:
        must_deliver = get_kind(report.kind).rerun_until_ready
    except LookupError:
        must_deliver = False
    return retryable or must_deliver


def report_mark_failed(*, report_id: int, error: str, retryable: bool = False) -> Report | None:
    """Record that a report could not be produced, keeping the error for staff.

    `retryable` (an environment error: storage, database, network) or a kind the
    system must deliver schedules another try by the sweeper (next_attempt_at),
    until the attempts run out; then program admins are alerted once.
    """
    with transaction.atomic():
        # Row lock: a late success and a failure must not both win.
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == Report.Status.READY:
            return report  # a ready PDF is never hidden by a later failure
        now = timezone.now()
        report.status = Report.Status.FAILED
        report.error = error[:10000] or "Unknown error"
        report.finished_at = now
        give_up = False
        if _should_retry(report, retryable):
            if report.attempts < _retry_max_attempts():
                report.next_attempt_at = now + _retry_delay(report.attempts)
            else:
                report.next_attempt_at = None
                give_up = report.admins_alerted_at is None
                if give_up:
                    # Claimed inside the row lock: the alert goes out once.
                    report.admins_alerted_at = now
        else:
            report.next_attempt_at = None
        report.save(
            update_fields=["status", "error", "finished_at", "next_attempt_at", "admins_alerted_at"]
        )
    logger.error(
        "Report %s (%s) failed after %s attempts: %s%s",
        report.pk,
        report.kind,
        report.attempts,
        report.error,
        f"; next try at {report.next_attempt_at.isoformat()}" if report.next_attempt_at else "",
        extra={"event": "report_failed", "report_id": report.pk},
    )
    if give_up:
        _alert_admins_gave_up(report)
    return report


def _alert_admins_gave_up(report: Report) -> None:
    """Tell the operators (ADMINS) that the sweeper stopped trying; they can re-run it.

    Through the one mail service (queued, delivered after commit, retried), to each
    address in ADMINS.
    """
    from notifications.services import email_queue

    subject = f"Report {report.pk} ({report.kind}) failed after {report.attempts} attempts"
    body = (
        f"The portal stopped retrying report {report.pk} ({report.kind_title}).\n"
        f"Last error: {report.error}\n\n"
        f"After fixing the cause, re-run it: python manage.py reports_rerun --id {report.pk}\n"
        f"or use the button on {settings.SITE_URL}/reports/{report.pk}/ ."
    )
    logger.critical(subject, extra={"event": "report_gave_up", "report_id": report.pk})
    for _name, address in settings.ADMINS:
        email_queue(kind="operations_alert", to=address, subject=subject, text=body)


class RerunNotAllowed(Exception):
    """The report is not in a state that can be produced again."""


RERUNNABLE = (Report.Status.FAILED, Report.Status.EXPIRED)


def report_rerun(*, report: Report, actor=None) -> Report:
    """Put a failed (or expired) report back in the queue and publish its render.

    The attempts start again from zero and any admin alert is cleared, so the
    sweeper's retries apply afresh. Who may do it is checked by the caller
    (reports.access.can_rerun); `actor` None means an operator's command.
    """
    with transaction.atomic():
        # Row lock: two clicks (or a click and the sweeper) queue it once.
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status not in RERUNNABLE:
            raise RerunNotAllowed(
                f"Only a failed or expired report can be produced again; this one is "
                f"{report.get_status_display().lower()}."
            )
        report.status = Report.Status.QUEUED
        report.attempts = 0
        report.error = ""
        report.next_attempt_at = None
        report.admins_alerted_at = None
        report.finished_at = None
        report.enqueued_at = timezone.now()
        report._history_user = actor  # audit: who asked for it again
        report.save()
        # After commit, as in report_request: the worker must find the queued row.
        transaction.on_commit(partial(_enqueue_render, report.pk))
    logger.info(
        "Report %s (%s) queued again by %s",
        report.pk,
        report.kind,
        getattr(actor, "email", None) or "an operator",
        extra={"event": "report_rerun", "report_id": report.pk},
    )
    return report


def report_sweep_stale(*, now=None) -> dict[str, int]:
    """Re-publish reports whose task was lost; give up after the maximum attempts.

    Queued rows last published more than REPORTS_QUEUED_STALE_MINUTES ago (broker
    down at request time, message lost) are published again. Rendering rows whose
    start is older than the task time limit lost their worker; they go back to
    queued, or to failed when their attempts are used up.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "recovered": 0, "failed": 0, "retried": 0}
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
    # Failed on an environment error (or a must-deliver kind) and due another try.
    due = Report.objects.filter(status=Report.Status.FAILED, next_attempt_at__lte=now)
    for report_id, next_attempt_at in due.values_list("pk", "next_attempt_at"):
        with transaction.atomic():
            # Conditional on next_attempt_at: two sweepers, or an admin's re-run at the
            # same moment, queue it once.
            if Report.objects.filter(
                pk=report_id, status=Report.Status.FAILED, next_attempt_at=next_attempt_at
            ).update(status=Report.Status.QUEUED, enqueued_at=now, next_attempt_at=None):
                transaction.on_commit(partial(_enqueue_render, report_id))
                counts["retried"] += 1
    if any(counts.values()):
        logger.info("Report sweep: %s", counts, extra={"event": "report_sweep", **counts})
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
