"""What each endpoint returns. Field names are part of the API: add, never rename.

Fields a caller may not see are present and null, so every row has the same keys
(Power BI and CSV consumers need a fixed set of columns).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Application, Cycle, NationalCrimeRate
from engagements.models import Engagement, FollowUpAction
from reports.models import Report
from sites.models import Site, SitePhase, TeamMember


def _absolute(serializer, path: str) -> str:
    # django's reverse, not DRF's: DRF's would carry ?format=csv into every link.
    return serializer.context["request"].build_absolute_uri(path)


class NationalRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = NationalCrimeRate
        fields = ["id", "year", "rate", "source_edition", "source"]


class CycleSerializer(serializers.ModelSerializer):
    national_rate = NationalRateSerializer()
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Cycle
        fields = [
            "id", "name", "year", "opens_at", "closes_at", "is_open", "population_min",
            "population_max", "max_sites", "national_rate",
        ]  # fmt: skip

    def get_is_open(self, cycle) -> bool:
        return cycle.is_open()


class SiteListSerializer(serializers.ModelSerializer):
    """One flat row per site (also the CSV columns)."""

    name = serializers.CharField(source="jurisdiction.name")
    state = serializers.CharField(source="jurisdiction.state")
    liaison_id = serializers.IntegerField(allow_null=True)
    liaison_name = serializers.SerializerMethodField()
    focus_areas = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = [
            "id", "url", "name", "state", "jurisdiction_id", "cohort_year", "usao_district",
            "engagement_level", "phase", "phase_started_on", "start_date", "expected_end_date",
            "liaison_id", "liaison_name", "focus_areas", "updated_at",
        ]  # fmt: skip

    def get_liaison_name(self, site) -> str | None:
        return site.liaison.get_full_name() if site.liaison_id else None

    def get_focus_areas(self, site) -> list[str]:
        return [row.focus_area for row in site.focus_area_rows.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, site) -> str:
        return _absolute(self, reverse("api:site-detail", args=[site.pk]))


class SitePhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = SitePhase
        fields = ["phase", "started_on"]


class TeamMemberSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField(
        help_text="Null unless the caller may see team phone numbers (see 'sites:contacts')."
    )

    class Meta:
        model = TeamMember
        fields = ["id", "role", "name", "title", "organisation", "email", "phone"]

    def get_phone(self, member) -> str | None:
        return member.phone if self.context.get("show_phones") else None


class SiteDetailSerializer(SiteListSerializer):
    summary = serializers.CharField()
    internal_notes = serializers.SerializerMethodField(
        help_text="DOJ staff and liaisons only; null for others."
    )
    phases = SitePhaseSerializer(many=True)
    team = TeamMemberSerializer(many=True)

    class Meta(SiteListSerializer.Meta):
        fields = [*SiteListSerializer.Meta.fields, "summary", "internal_notes", "phases", "team"]

    def get_internal_notes(self, site) -> str | None:
        return site.internal_notes if self.context.get("internal") else None


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUpAction
        fields = ["id", "engagement_id", "description", "owner", "due_date", "done"]


class EngagementListSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.jurisdiction.name")
    state = serializers.CharField(source="site.jurisdiction.state")
    focus_areas = serializers.ListField(child=serializers.CharField())
    url = serializers.SerializerMethodField()

    class Meta:
        model = Engagement
        fields = [
            "id", "url", "tracking_number", "site_id", "site_name", "state", "title", "type",
            "focus_areas", "provider", "start_date", "end_date", "delivery", "hours",
            "participants", "agencies_represented", "target_audience", "status", "summary",
            "outcomes", "milestones", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, engagement) -> str:
        return _absolute(self, reverse("api:engagement-detail", args=[engagement.pk]))


class EngagementDetailSerializer(EngagementListSerializer):
    follow_ups = FollowUpSerializer(many=True)
    internal_notes = serializers.SerializerMethodField(
        help_text="DOJ staff and liaisons only; null for others."
    )

    class Meta(EngagementListSerializer.Meta):
        fields = [*EngagementListSerializer.Meta.fields, "internal_notes", "follow_ups"]

    def get_internal_notes(self, engagement) -> str | None:
        return engagement.internal_notes if self.context.get("internal") else None


class ScreeningCheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    result = serializers.ChoiceField(choices=["pass", "fail", "attention"])
    reasons = serializers.ListField(child=serializers.CharField())


class ScreeningSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["pass", "fail", "attention"])
    checks = ScreeningCheckSerializer(many=True)


class ScoresSerializer(serializers.Serializer):
    reviews_submitted = serializers.IntegerField()
    average_total = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    max_total = serializers.IntegerField()


class SoiSerializer(serializers.Serializer):
    """A submitted Statement of Interest as the review pages show it (built from a QueueRow)."""

    id = serializers.IntegerField(source="application.pk")
    url = serializers.SerializerMethodField()
    reference_number = serializers.CharField(source="application.reference_number")
    cycle_id = serializers.IntegerField(source="application.cycle_id")
    jurisdiction_id = serializers.IntegerField(source="application.jurisdiction_id")
    jurisdiction_name = serializers.CharField(source="application.jurisdiction.name")
    state = serializers.CharField(source="application.jurisdiction.state")
    population = serializers.IntegerField(source="application.population", allow_null=True)
    status = serializers.ChoiceField(
        source="application.status", choices=Application.Status.choices
    )
    review_status = serializers.CharField(source="status")
    submitted_at = serializers.DateTimeField(source="application.submitted_at", allow_null=True)
    updated_at = serializers.DateTimeField(source="application.updated_at")
    tta_focus_areas = serializers.ListField(
        source="application.tta_focus_areas", child=serializers.CharField()
    )
    screening = ScreeningSerializer()
    scores = serializers.SerializerMethodField(
        help_text="Null unless the caller may see this SOI's scores."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row) -> str:
        return _absolute(self, reverse("api:soi-detail", args=[row.application.pk]))

    @extend_schema_field(ScoresSerializer(allow_null=True))
    def get_scores(self, row):
        if not row.extra.get("scores_visible"):
            return None
        return ScoresSerializer(
            {
                "reviews_submitted": row.review_count,
                "average_total": row.average_score,
                "max_total": row.max_total,
            }
        ).data


class ReportSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="The portal's download link once the PDF is ready; it checks access itself."
    )

    class Meta:
        model = Report
        fields = [
            "id", "url", "kind", "status", "created_at", "finished_at", "page_count",
            "size_bytes", "download_url",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, report) -> str:
        return _absolute(self, reverse("api:report-detail", args=[report.pk]))

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_download_url(self, report) -> str | None:
        if report.status != Report.Status.READY or not report.file:
            return None
        return _absolute(self, reverse("reports:download", args=[report.pk]))
