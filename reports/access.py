"""Who may see a report. The kind that owns the data decides (kind.can_view)."""

from django.db.models import Q
from django.http import Http404

from .kinds import UnknownReportKind, get_kind
from .models import Report

MINE_LIMIT = 100


def reports_requested_by(user):
    """The user's own reports, newest first (the "My reports" list)."""
    return Report.objects.filter(requested_by=user).order_by("-created_at", "-pk")[:MINE_LIMIT]


def reports_listed_for(user):
    """Every report the user's lists show: their own requests, plus the scheduled program
    reports for those who may request program reports (unsliced, for the read API)."""
    if not user.is_authenticated:
        return Report.objects.none()
    listed = Q(requested_by=user)
    if user.has_perm("reports.request_program_reports"):
        listed |= Q(kind="program_report", schedule_key__isnull=False)
    return Report.objects.filter(listed)


def scheduled_reports_for(user, limit: int = 8):
    """The latest scheduled (quarterly) program reports, for those who may view them."""
    if not user.has_perm("reports.request_program_reports"):
        return Report.objects.none()
    return Report.objects.filter(kind="program_report", schedule_key__isnull=False).order_by(
        "-created_at", "-pk"
    )[:limit]


def can_view(user, report: Report) -> bool:
    """May see the report's data: only the kind knows what the report covers."""
    try:
        kind = get_kind(report.kind)
    except UnknownReportKind:
        return False
    return bool(kind.can_view(user, report))


def can_see_status(user, report: Report) -> bool:
    """The requester always sees what became of their request; others need can_view."""
    return (report.requested_by_id is not None and report.requested_by_id == user.pk) or can_view(
        user, report
    )


def can_download(user, report: Report) -> bool:
    # Even the requester needs can_view: access to the covered data may have ended
    # (a liaison moved to another site) since the report was requested.
    return report.status == Report.Status.READY and bool(report.file) and can_view(user, report)


def can_see_error(user, report: Report) -> bool:
    """The technical error is for DOJ staff who may view the report; others get a neutral message."""
    return getattr(user, "is_portal_staff", False) and can_view(user, report)


def get_report_for(user, pk: int) -> Report:
    # 404, not 403: a user must not learn which report ids exist.
    report = Report.objects.select_related("requested_by").filter(pk=pk).first()
    if report is None or not can_see_status(user, report):
        raise Http404("No such report.")
    return report


def can_configure(user) -> bool:
    return user.has_perm("reports.configure_reports")


def can_rerun(user, report: Report) -> bool:
    """Who may ask for a failed (or expired) report again.

    Program admins (reports.configure_reports): any report, including system ones
    such as receipts and scheduled reports. The requester: their own report, while
    they may still request that kind and see what it covers.
    """
    if report.status not in (Report.Status.FAILED, Report.Status.EXPIRED):
        return False
    if user.has_perm("reports.configure_reports"):
        return True
    if report.requested_by_id is None or report.requested_by_id != user.pk:
        return False
    try:
        kind = get_kind(report.kind)
    except UnknownReportKind:
        return False
    may_request = kind.params_form is not None and (
        kind.can_request is None or kind.can_request(user)
    )
    return may_request and can_view(user, report)
