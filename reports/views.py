import datetime
import inspect
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from operations.jobs import scheduled_jobs

from .access import (
    can_configure,
    can_download,
    can_rerun,
    can_see_error,
    get_report_for,
    reports_requested_by,
    scheduled_reports_for,
)
from .forms import ReportSettingsForm, ensure_helper
from .kinds import UnknownReportKind, all_kinds, get_kind
from .models import ReportSettings
from .services import RerunNotAllowed, report_request, report_rerun, report_settings_update


def _status_payload(user, report) -> dict:
    return {
        "status": report.status,
        "status_label": report.get_status_display(),
        "finished": report.is_finished,
        "download_url": (
            reverse("reports:download", args=[report.pk]) if can_download(user, report) else None
        ),
        "page_count": report.page_count,
    }


# The requester, and anyone the report's kind lets view it; others get 404.
@login_required
def report_detail(request, pk):
    report = get_report_for(request.user, pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "can_download": can_download(request.user, report),
            "can_see_error": can_see_error(request.user, report),
            "can_rerun": can_rerun(request.user, report),
        },
    )


# Program admins for any failed or expired report; the requester for their own, of a
# kind they may still request (reports.access.can_rerun). Others: 404 if they may
# not see the report at all, else 403.
@login_required
@require_POST
def report_rerun_view(request, pk):
    report = get_report_for(request.user, pk)
    if not can_rerun(request.user, report):
        raise PermissionDenied
    try:
        report_rerun(report=report, actor=request.user)
    except RerunNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The report is queued again. This page shows when it is ready.")
    return redirect("reports:detail", pk=report.pk)


# Same as report_detail; polled by static/js/report-status.js.
@login_required
@require_GET
def report_status(request, pk):
    report = get_report_for(request.user, pk)
    response = JsonResponse(_status_payload(request.user, report))
    response["Cache-Control"] = "no-store"
    return response


# Only users the kind lets view the covered data (kind.can_view), and only once ready; else 404.
@login_required
@require_GET
def report_download(request, pk):
    report = get_report_for(request.user, pk)
    if not can_download(request.user, report):
        raise Http404("No such report.")
    kind = get_kind(report.kind)
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=kind.filename_for(report),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Any signed-in user: their own reports only, the kinds they may request and, for
# holders of reports.request_program_reports, the scheduled program reports.
@login_required
def report_mine(request):
    reports = list(reports_requested_by(request.user))
    requestable = [
        kind
        for kind in all_kinds()
        if kind.params_form is not None
        and (kind.can_request is None or kind.can_request(request.user))
    ]
    return render(
        request,
        "reports/report_mine.html",
        {
            "reports": reports,
            "requestable": requestable,
            "scheduled": list(scheduled_reports_for(request.user)),
        },
    )


def _to_params(value):
    """cleaned_data -> JSON: ids, never model data (the worker reads current data)."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet):
        return [obj.pk for obj in value]
    if isinstance(value, dict):
        return {key: _to_params(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_to_params(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()  # datetime is a date
    if isinstance(value, Decimal):
        return str(value)
    return value


def _build_params_form(form_class, user, data=None):
    # Forms that limit choices to what the user may see take a `user` keyword.
    accepts_user = "user" in inspect.signature(form_class.__init__).parameters
    form = form_class(data, user=user) if accepts_user else form_class(data)
    return ensure_helper(form)


# Any signed-in user for a kind with a params form, unless kind.can_request says otherwise
# (403); an unknown kind or one without a form (system-only) is 404.
@login_required
def report_request_view(request, kind):
    try:
        report_kind = get_kind(kind)
    except UnknownReportKind:
        raise Http404("No such report.") from None
    if report_kind.params_form is None:
        raise Http404("This report is produced by the system only.")
    if report_kind.can_request is not None and not report_kind.can_request(request.user):
        raise PermissionDenied
    form = _build_params_form(
        report_kind.params_form, request.user, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        params = form.to_params() if hasattr(form, "to_params") else _to_params(form.cleaned_data)
        report = report_request(kind=report_kind.slug, params=params, actor=request.user)
        messages.success(
            request, f"{report_kind.title} requested. This page shows when it is ready."
        )
        return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/report_request.html", {"form": form, "kind": report_kind})


# Program admins (reports.configure_reports) only; others 403.
@login_required
def report_settings(request):
    if not can_configure(request.user):
        raise PermissionDenied
    current = ReportSettings.load()
    form = ReportSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        report_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, "Report settings saved. New reports use the new settings.")
        return redirect("reports:settings")
    return render(
        request,
        "reports/reportsettings_form.html",
        {
            "form": form,
            "jobs": scheduled_jobs(),  # the operations page's own source
            # No broker, so no beat: `make schedule` runs what is due (README).
            "no_scheduler": settings.CELERY_TASK_ALWAYS_EAGER,
        },
    )
