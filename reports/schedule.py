"""Scheduled reports: the quarterly program report, mailed to program admins as a link.

Celery beat runs `program_report_quarterly_task` on the first day of each quarter
(CELERY_BEAT_SCHEDULE). The report row carries a unique `schedule_key`
("program_report:2026-Q3"), so a second run for the same quarter (beat restarted,
task delivered twice, run by hand) creates no second report and sends no second mail.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import User

from .models import Report
from .services import report_request

logger = logging.getLogger(__name__)

PROGRAM_REPORT = "program_report"
# Beat runs the quarterly report at this hour (CELERY_TIMEZONE) on the quarter's first day.
QUARTERLY_HOUR = 6


def previous_quarter(today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The calendar quarter before the one `today` falls in: (first day, last day, "2026-Q3")."""
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    first = datetime.date(year, 3 * quarter - 2, 1)
    next_first = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    )
    return first, next_first - datetime.timedelta(days=1), f"{year}-Q{quarter}"


def program_report_schedule_quarterly(*, today: datetime.date) -> Report | None:
    """Queue the past quarter's program report (all sites) once; None if it exists already."""
    start, end, label = previous_quarter(today)
    key = f"{PROGRAM_REPORT}:{label}"
    if Report.objects.filter(schedule_key=key).exists():
        return None
    try:
        # The unique key settles a race between two runs: the loser writes nothing.
        report = report_request(
            kind=PROGRAM_REPORT,
            params={"cohort": None, "start": start.isoformat(), "end": end.isoformat()},
            actor=None,
            schedule_key=key,
        )
    except IntegrityError:
        return None
    logger.info("Scheduled program report %s for %s queued", report.pk, label)
    return report


def scheduled_reports_catch_up(*, now: datetime.datetime | None = None) -> int:
    """Create each scheduled report that is due and missing; the number created.

    Beat skips a run when the broker is down at that moment (it does not replay
    missed crontab runs), so the sweeper calls this every few minutes. The unique
    schedule key makes it a no-op once the report exists.
    """
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    quarter_first_day = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if today == quarter_first_day and now.hour < QUARTERLY_HOUR:
        # The new quarter's run is not due yet; check the one before it.
        today -= datetime.timedelta(days=1)
    report = program_report_schedule_quarterly(today=today)
    if report is not None:
        logger.warning(
            "Scheduled report %s was missing (missed beat run); created by catch-up",
            report.schedule_key,
            extra={"event": "schedule_catch_up", "report_id": report.pk},
        )
    return int(report is not None)


def program_admins():
    return (
        User.objects.filter(is_active=True, groups__name=roles.PROGRAM_ADMIN)
        .distinct()
        .order_by("email")
    )


def program_report_mail_admins(*, report: Report) -> int:
    """Mail each active program admin a link to the report page (never the PDF itself:
    the link goes through sign-in, MFA and the access check)."""
    url = f"{settings.SITE_URL}{reverse('reports:detail', args=[report.pk])}"
    params = report.params
    context = {
        "report": report,
        "url": url,
        "start": datetime.date.fromisoformat(params["start"]),
        "end": datetime.date.fromisoformat(params["end"]),
    }
    subject = (
        f"[PSP Portal] Program report {context['start']:%B %-d} to "
        f"{context['end']:%B %-d, %Y} is ready"
    )
    from notifications.services import email_queue

    # One message per admin: no admin sees the others' addresses. An admin who turned
    # this kind off gets none (email_queue returns None).
    queued = [
        email_queue(
            kind="program_report",
            to=admin,
            subject=subject,
            template="reports/email/program_report_ready",
            context=context,
        )
        for admin in program_admins()
    ]
    return sum(1 for email in queued if email is not None)
