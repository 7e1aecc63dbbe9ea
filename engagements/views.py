from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import upload_refusals_record
from exports.csv import csv_download
from psp_portal.pagination import CappedPaginator
from sites.access import can_see_internal
from sites.history import history_rows

from .access import (
    can_import,
    can_log_for,
    engagements_visible_to,
    get_engagement_for,
    get_engagement_for_edit,
    get_import_job_for,
    get_site_for_logging,
    import_jobs_visible_to,
)
from .filters import EngagementFilter
from .forms import (
    AttachmentForm,
    CancelForm,
    DeliverForm,
    EngagementForm,
    FollowUpFormSet,
    ImportForm,
    NarrativeForm,
)
from .import_jobs import import_job_create
from .imports import COLUMN_HELP, COLUMNS, template_csv
from .list_rows import ENGAGEMENT_FIELDS, engagement_rows
from .models import Engagement, FollowUpAction, NarrativeUpdate
from .services import (
    EngagementError,
    attachment_add,
    engagement_cancel,
    engagement_deliver,
    engagement_log,
    engagement_update,
    follow_up_set_done,
    half_year_bounds,
    half_year_figures,
    narrative_save,
)

LIST_PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "tracking_number", "site_id", "site", "state", "title", "type", "focus_areas", "provider",
    "start_date", "end_date", "delivery", "hours", "participants", "agencies_represented",
    "target_audience", "status", "summary", "outcomes", "milestones",
]  # fmt: skip


# Anyone signed in; each sees the engagements of the sites they may read (applicants:
# their own site's delivered engagements).
@login_required
def engagement_list(request):
    engagements = engagements_visible_to(request.user).select_related("site__jurisdiction")
    engagement_filter = EngagementFilter(
        request.GET or None, queryset=engagements.order_by("-start_date", "-pk"), request=request
    )
    if request.GET.get("format") == "csv":
        return _export_csv(engagement_filter.qs)
    # Capped total: an exact COUNT(*) over every engagement outgrew the page itself.
    paginator = CappedPaginator(
        engagement_filter.qs.only(*ENGAGEMENT_FIELDS), LIST_PAGE_SIZE, ids_first=True
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "filter": engagement_filter,
            "page": page,
            "rows": engagement_rows(page.object_list),
            "query": query.urlencode(),
        },
    )


def _export_csv(engagements) -> HttpResponse:
    # No INTERNAL fields (notes, cancellation reasons): the export is safe to share.
    return csv_download("engagements", EXPORT_COLUMNS, _csv_rows(engagements))


def _csv_rows(engagements):
    for e in engagements:
        yield [
            e.tracking_number, e.site_id, e.site.jurisdiction.name, e.site.jurisdiction.state,
            e.title, e.type, ";".join(e.focus_areas), e.provider, e.start_date, e.end_date,
            e.delivery, e.hours, e.participants, e.agencies_represented, e.target_audience,
            e.status, e.summary, e.outcomes, e.milestones,
        ]  # fmt: skip


def _require_logger(user) -> None:
    # A role without the permission gets 403; a liaison outside their sites gets 404 below.
    if not user.has_perm("engagements.log_engagement"):
        raise PermissionDenied


def _follow_up_changes(formset):
    """(kept, removed) follow-up actions from a valid formset, for the service."""
    kept, removed = [], []
    for form in formset.forms:
        if formset._should_delete_form(form):
            if form.instance.pk:
                removed.append(form.instance)
            continue
        if form.has_changed():
            fields = {
                name: form.cleaned_data[name]
                for name in form._meta.fields
                if name != formset.fk.name
            }
            kept.append((form.instance if form.instance.pk else None, fields))
    return kept, removed


def _apply_errors(form, exc):
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request, site_pk):
    _require_logger(request.user)
    site = get_site_for_logging(request.user, site_pk)
    form = EngagementForm(request.POST or None)
    formset = FollowUpFormSet(request.POST or None, prefix="followups")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        kept, _removed = _follow_up_changes(formset)
        try:
            engagement = engagement_log(site=site, actor=request.user, follow_ups=kept, **data)
        except (EngagementError, ValidationError) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Engagement logged: {engagement.tracking_number}.")
            return redirect("engagements:detail", pk=engagement.pk)
    return render(
        request,
        "engagements/engagement_form.html",
        {"form": form, "formset": formset, "site": site, "engagement": None},
    )


# Anyone who may read the site; applicants see delivered engagements without INTERNAL fields.
@login_required
def engagement_detail(request, pk):
    engagement = get_engagement_for(request.user, pk)
    internal = can_see_internal(request.user)
    # The engagement's site is loaded: the logging rule is decided without a query.
    can_edit = internal and can_log_for(request.user, engagement.site)
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "site": engagement.site,
            "internal": internal,
            "follow_ups": list(engagement.follow_ups.all()) if internal else [],
            "attachments": list(engagement.attachments.all()) if internal else [],
            "actions": engagement_actions(engagement) if can_edit else {},
            "attachment_form": AttachmentForm() if can_edit else None,
        },
    )


def engagement_actions(engagement) -> dict[str, bool]:
    """Which of edit / deliver / cancel the engagement's status allows (Engagement.TRANSITIONS)."""
    return {
        "edit": engagement.is_editable(),
        "deliver": engagement.can_move_to(Engagement.Status.DELIVERED),
        "cancel": engagement.can_move_to(Engagement.Status.CANCELLED),
    }


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_http_methods(["GET", "POST"])
def engagement_edit(request, pk):
    _require_logger(request.user)
    engagement = get_engagement_for_edit(request.user, pk)
    if not engagement.is_editable():
        messages.error(request, "A cancelled engagement cannot be changed.")
        return redirect("engagements:detail", pk=engagement.pk)
    form = EngagementForm(request.POST or None, instance=engagement)
    formset = FollowUpFormSet(request.POST or None, instance=engagement, prefix="followups")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kept, removed = _follow_up_changes(formset)
        try:
            engagement_update(
                engagement=engagement,
                actor=request.user,
                follow_ups=kept,
                removed_follow_ups=removed,
                **form.cleaned_data,
            )
        except (EngagementError, ValidationError) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Engagement saved.")
            return redirect("engagements:detail", pk=engagement.pk)
    return render(
        request,
        "engagements/engagement_form.html",
        {"form": form, "formset": formset, "site": engagement.site, "engagement": engagement},
    )


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_http_methods(["GET", "POST"])
def engagement_deliver_view(request, pk):
    _require_logger(request.user)
    engagement = get_engagement_for_edit(request.user, pk)
    initial = {
        "start_date": engagement.start_date,
        "end_date": engagement.end_date,
        "hours": engagement.hours,
        "participants": engagement.participants,
        "agencies_represented": engagement.agencies_represented,
        "outcomes": engagement.outcomes,
    }
    form = DeliverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            engagement_deliver(engagement=engagement, actor=request.user, **form.cleaned_data)
        except (EngagementError, ValidationError) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Marked delivered.")
            return redirect("engagements:detail", pk=engagement.pk)
    return render(
        request,
        "engagements/engagement_status.html",
        {"form": form, "engagement": engagement, "heading": "Mark delivered"},
    )


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_http_methods(["GET", "POST"])
def engagement_cancel_view(request, pk):
    _require_logger(request.user)
    engagement = get_engagement_for_edit(request.user, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement_cancel(
                engagement=engagement, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except EngagementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Engagement cancelled.")
            return redirect("engagements:detail", pk=engagement.pk)
    return render(
        request,
        "engagements/engagement_status.html",
        {"form": form, "engagement": engagement, "heading": "Cancel engagement"},
    )


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request, pk):
    _require_logger(request.user)
    engagement = get_engagement_for_edit(request.user, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachment_add(
                engagement=engagement, upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "File attached.")
            return redirect("engagements:detail", pk=engagement.pk)
    elif request.method == "POST":
        upload_refusals_record(request=request, form=form, what="Engagement attachment")
    return render(
        request,
        "engagements/engagement_status.html",
        {"form": form, "engagement": engagement, "heading": "Attach a file"},
    )


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_POST
def follow_up_done(request, pk, action_pk):
    _require_logger(request.user)
    engagement = get_engagement_for_edit(request.user, pk)
    action = get_object_or_404(engagement.follow_ups, pk=action_pk)
    follow_up_set_done(action=action, done=request.POST.get("done") != "0", actor=request.user)
    messages.success(request, f"Follow-up updated: {action.description}.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("engagements:detail", pk=engagement.pk)


# DOJ staff and liaisons who may read the site (attachments are INTERNAL). Others 404.
@login_required
def attachment_download(request, pk, attachment_pk):
    engagement = get_engagement_for(request.user, pk)
    if not can_see_internal(request.user):
        raise Http404
    attachment = get_object_or_404(engagement.attachments, pk=attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# Liaisons and program admins (engagements.log_engagement); rows only for sites they may log for.
@login_required
@require_http_methods(["GET", "POST"])
def engagement_import(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # Checked and imported in the background (2,000 rows must not hold a request).
        job = import_job_create(upload=form.cleaned_data["file"], actor=request.user)
        return redirect("engagements:import_job", pk=job.pk)
    if request.method == "POST":
        upload_refusals_record(request=request, form=form, what="Engagement import")
    return render(
        request,
        "engagements/engagement_import.html",
        {
            "form": form,
            "columns": [(c, COLUMN_HELP.get(c, "")) for c in COLUMNS],
            "recent_jobs": list(
                import_jobs_visible_to(request.user).filter(uploaded_by=request.user)[:5]
            ),
        },
    )


# The uploader; program admins (engagements.log_engagement_any_site) for any job. Others 404.
@login_required
def import_job_detail(request, pk):
    job = get_import_job_for(request.user, pk)
    return render(request, "engagements/importjob_detail.html", {"job": job})


# Same as import_job_detail; polled by static/js/import-status.js.
@login_required
def import_job_status(request, pk):
    job = get_import_job_for(request.user, pk)
    response = JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "rows_checked": job.rows_checked,
            "total_rows": job.total_rows,
            "percent": job.percent,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


# Liaisons and program admins (engagements.log_engagement).
@login_required
def import_template(request):
    if not can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="engagements-import-template.csv"'
    return response


# Liaisons for the sites currently assigned to them; program admins for any site. Others 404.
@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request, site_pk, year, half):
    _require_logger(request.user)
    site = get_site_for_logging(request.user, site_pk)
    if half not in NarrativeUpdate.Half.values or not 2014 <= year <= timezone.localdate().year:
        raise Http404
    first, last = half_year_bounds(year, half)
    if first > timezone.localdate():
        raise Http404
    existing = NarrativeUpdate.objects.filter(site=site, year=year, half=half).first()
    figures = half_year_figures(site=site, year=year, half=half)
    form = NarrativeForm(
        request.POST or None,
        instance=existing or NarrativeUpdate(site=site, year=year, half=half),
        initial=None if existing else figures,
    )
    if request.method == "POST" and form.is_valid():
        narrative_save(site=site, year=year, half=half, actor=request.user, **form.cleaned_data)
        messages.success(request, "Narrative update saved.")
        return redirect("sites:detail", pk=site.pk)
    return render(
        request,
        "engagements/narrative_form.html",
        {
            "form": form,
            "site": site,
            "year": year,
            "half_label": NarrativeUpdate.Half(half).label,
            "first": first,
            "last": last,
            "figures": figures,
        },
    )


# Staff and liaisons who may read the engagement (INTERNAL: not applicants).
@login_required
def engagement_history(request, pk):
    engagement = get_engagement_for(request.user, pk)
    if not can_see_internal(request.user):
        raise PermissionDenied
    history = history_rows(
        [
            ("Engagement", Engagement.history.filter(id=engagement.pk)),
            ("Follow-up", FollowUpAction.history.filter(engagement_id=engagement.pk)),
        ]
    )
    return render(
        request,
        "engagements/engagement_history.html",
        {"engagement": engagement, "history": history},
    )
