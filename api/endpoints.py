"""The read API under /api/v1/. Each view names who may call it in its docstring, and
starts from the owning app's access function with the caller (token owner or session
user), so the API never shows more than the pages show the same person.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from applications.access import can_manage_cycles
from applications.models import Cycle, NationalCrimeRate
from engagements.access import (
    engagements_visible_to,
    follow_ups_visible_to,
    get_engagement_for,
)
from outcomes.access import can_use_outcomes_page, get_outcome_for, outcomes_visible_to
from outcomes.selectors import national_rates, rows_by_site, site_series
from reports.access import get_report_for, reports_listed_for
from reviews.access import can_see_other_scores, queue_applications_for
from reviews.selectors import list_rows, with_list_data
from sites.access import can_see_internal, get_site_for, sites_visible_to
from sites.models import SiteFocusArea

from . import filters, serializers
from .permissions import token_has_scope
from .problems import ProblemJSONRenderer
from .renderers import CSVRenderer
from .scopes import Scope


class ReadOnlyApiViewSet(viewsets.GenericViewSet):
    """Conventions shared by every endpoint: problem+json errors and ETags."""

    required_scope: str | None = None
    filter_backends = [DjangoFilterBackend]
    # Ids are 64-bit keys: a longer number is a 404 from the URL, never a driver overflow.
    lookup_value_regex = r"[0-9]{1,18}"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(response, Response):
            # Errors are problem+json even when the caller asked for ?format=csv.
            response.accepted_renderer = ProblemJSONRenderer()
            response.accepted_media_type = ProblemJSONRenderer.media_type
        # The body depends on who asks; shared caches must not mix callers.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.add_post_render_callback(lambda r: _conditional(request, r))
        return response


def _conditional(request, response):
    """ETag from the body; If-None-Match with the same tag gets 304 and no body."""
    if response.streaming or response.has_header("ETag"):
        return response
    set_response_etag(response)
    if not response.has_header("ETag"):
        return response  # an empty body gets no tag
    return get_conditional_response(request._request, etag=response["ETag"], response=response)


# The lists whose pages have a CSV button also answer ?format=csv.
WITH_CSV = [JSONRenderer, CSVRenderer]


class ListRetrieveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadOnlyApiViewSet):
    list_serializer_class = None

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class

    def rows(self, objects):
        """What the serializer reads for these objects (a page, or the CSV's whole list)."""
        return objects

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if getattr(request.accepted_renderer, "format", None) == "csv":
            # The CSV is the whole filtered list, as on the page's CSV button.
            response = Response(self.get_serializer(self.rows(queryset), many=True).data)
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = (
                f'attachment; filename="psp-{self.basename}s-{stamp}.csv"'
            )
            return response
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(self.rows(page), many=True).data)


# Anyone, signed in or not: the cycles that have opened. Program admins who manage
# cycles also see the ones not yet announced (as on their cycle pages).
class CycleViewSet(ListRetrieveViewSet):
    serializer_class = serializers.CycleSerializer
    filterset_class = filters.CycleApiFilter
    ordering = ("-opens_at", "-id")

    def get_queryset(self):
        cycles = Cycle.objects.select_related("national_rate")
        if not can_manage_cycles(self.request.user):
            cycles = cycles.filter(opens_at__lte=timezone.now())
        return cycles.order_by("-opens_at", "-id")


# Anyone: the national violent-crime rates screening compares against (public FBI figures).
class NationalRateViewSet(ListRetrieveViewSet):
    serializer_class = serializers.NationalRateSerializer
    filterset_class = filters.NationalRateApiFilter
    queryset = NationalCrimeRate.objects.all()
    ordering = ("-year", "-id")


# Token scope `sites`, or a session. Rows: sites.access.sites_visible_to.
class SiteViewSet(ListRetrieveViewSet):
    renderer_classes = WITH_CSV
    required_scope = Scope.SITES
    serializer_class = serializers.SiteDetailSerializer
    list_serializer_class = serializers.SiteListSerializer
    filterset_class = filters.SiteApiFilter
    ordering = ("-cohort_year", "id")

    def get_queryset(self):
        focus = Prefetch("focus_area_rows", queryset=SiteFocusArea.objects.order_by("focus_area"))
        return (
            sites_visible_to(self.request.user)
            .select_related("jurisdiction", "liaison")
            .prefetch_related(focus)
        )

    def get_object(self):
        site = get_site_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, site)
        return site

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["internal"] = can_see_internal(user)
        # The site page shows the roster's phones to everyone who may open it; a token
        # carries them only with the extra `sites:contacts` scope.
        context["show_phones"] = token_has_scope(self.request, Scope.SITES_CONTACTS)
        return context


# Token scope `engagements`, or a session. Rows: engagements.access.engagements_visible_to
# (applicants: their site's delivered engagements, without INTERNAL fields).
class EngagementViewSet(ListRetrieveViewSet):
    renderer_classes = WITH_CSV
    required_scope = Scope.ENGAGEMENTS
    serializer_class = serializers.EngagementDetailSerializer
    list_serializer_class = serializers.EngagementListSerializer
    filterset_class = filters.EngagementApiFilter
    ordering = ("-start_date", "-id")

    def get_queryset(self):
        return engagements_visible_to(self.request.user).select_related("site__jurisdiction")

    def get_object(self):
        engagement = get_engagement_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, engagement)
        return engagement

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["internal"] = can_see_internal(self.request.user)
        return context

    def retrieve(self, request, *args, **kwargs):
        engagement = self.get_object()
        # Follow-up actions are INTERNAL on the engagement page.
        follow_ups = engagement.follow_ups.all() if can_see_internal(request.user) else []
        engagement._prefetched_objects_cache = {"follow_ups": follow_ups}
        return Response(self.get_serializer(engagement).data)


# Token scope `engagements`, or a session; DOJ staff and liaisons only (the engagement
# page shows follow-ups as INTERNAL). Rows: follow-ups of engagements_visible_to.
class FollowUpViewSet(ListRetrieveViewSet):
    required_scope = Scope.ENGAGEMENTS
    serializer_class = serializers.FollowUpSerializer
    filterset_class = filters.FollowUpApiFilter
    # Id order, which the primary key's index serves: ordering by due date sorted every
    # follow-up for each page (174 ms at scale 10's 100,000); `due_from`/`due_to` filter.
    ordering = ("id",)

    def get_queryset(self):
        return follow_ups_visible_to(self.request.user)


def with_soi_data(queryset):
    """What the SOI rows read: the queue's list rows (reviews.selectors.with_list_data:
    the SOIs with the decision in force as columns; list_rows adds the assignments and
    their reviews), so status, screening and scores are the queue's. Screening comes
    from the same cached summaries, which keep each check and its reasons; SOIs not
    cached yet are screened in five more queries for any number of rows."""
    return with_list_data(queryset)  # without the frozen copy made at submission


# Token scope `sois`, or a session; staff who may see SOIs on the review pages
# (reviews.access.queue_applications_for: officials all, reviewers their assigned and
# unconflicted ones). Never drafts. Scores only where the caller may see them there.
class SoiViewSet(ListRetrieveViewSet):
    renderer_classes = WITH_CSV
    required_scope = Scope.SOIS
    serializer_class = serializers.SoiSerializer
    filterset_class = filters.SoiApiFilter
    ordering = ("-id",)

    def get_queryset(self):
        return with_soi_data(queue_applications_for(self.request.user))

    def rows(self, applications):
        user = self.request.user
        rows = list_rows(applications, user)
        for row in rows:
            # The review pages' rule, decided on the loaded row (no query per SOI).
            row.extra["scores_visible"] = can_see_other_scores(
                user, row.application, assignment=row.my_assignment
            )
        return rows

    def retrieve(self, request, *args, **kwargs):
        application = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return Response(self.get_serializer(self.rows([application])[0]).data)


# Token scope `outcomes`, or a session. Rows: outcomes.access.outcomes_visible_to (whoever
# reads the site reads its outcome page: another jurisdiction's or, for a liaison without
# `view_any_site`, another liaison's site is 404). Figures are computed as on the site's
# outcome page; the four counts, source and note only for those who may open the program
# Outcomes page (its CSV has them), the population flag only for DOJ staff and liaisons.
class OutcomeViewSet(ListRetrieveViewSet):
    renderer_classes = WITH_CSV
    required_scope = Scope.OUTCOMES
    serializer_class = serializers.OutcomeSerializer
    filterset_class = filters.OutcomeApiFilter
    # (site, year) is unique, and its constraint's index serves this order.
    ordering = ("site_id", "year")

    def get_queryset(self):
        return outcomes_visible_to(self.request.user).select_related("site__jurisdiction")

    def get_object(self):
        row = get_outcome_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, row)
        return row

    def rows(self, outcome_rows):
        """Each row with its site's series: two queries for any number of rows (every year
        of the rows' sites, for the baseline; the national rates)."""
        outcome_rows = list(outcome_rows)
        if not outcome_rows:
            return []
        sites = list({row.site_id: row.site for row in outcome_rows}.values())
        grouped, national = rows_by_site(sites), national_rates()
        results = {}
        for site in sites:
            series = site_series(site, grouped.get(site.pk, []), national)
            results[site.pk] = (series, {result.year: result for result in series.years})
        items = []
        for row in outcome_rows:
            series, by_year = results[row.site_id]
            items.append({"row": row, "series": series, "result": by_year[row.year]})
        return items

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.rows([self.get_object()])[0]).data)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["internal"] = can_see_internal(self.request.user)
        context["program_figures"] = can_use_outcomes_page(self.request.user)
        return context


# Token scope `reports`, or a session. Rows: reports.access.reports_listed_for (own
# requests, plus the scheduled program reports for those who may request them).
class ReportViewSet(ListRetrieveViewSet):
    required_scope = Scope.REPORTS
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportApiFilter
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return reports_listed_for(self.request.user)

    def get_object(self):
        report = get_report_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, report)
        return report
