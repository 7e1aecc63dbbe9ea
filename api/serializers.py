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
from outcomes.models import OutcomeYear
from psp_portal.links import url_head
from reports.models import Report
from sites.models import Site, SitePhase, TeamMember

PROGRAM_ONLY = "Null unless the caller may open the program Outcomes page (its CSV has it)."


def _absolute(serializer, path: str) -> str:
    # django's reverse, not DRF's: DRF's would carry ?format=csv into every link.
    return serializer.context["request"].build_absolute_uri(path)


def _detail_url(serializer, name: str, pk: int) -> str:
    """The absolute URL of object `pk` at the detail route `name` (".../<pk>/").

    Reversed once per response, not once per row: on a 100-row page reverse() and
    build_absolute_uri() took longer than the rows' own fields."""
    heads = serializer.context.setdefault("_detail_url_heads", {})
    if name not in heads:
        heads[name] = _absolute(serializer, url_head(name))
    return f"{heads[name]}{pk}/"


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
        return _detail_url(self, "api:site-detail", site.pk)


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
        return _detail_url(self, "api:engagement-detail", engagement.pk)


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
    screening = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField(
        help_text="Null unless the caller may see this SOI's scores."
    )

    # Screening and scores are built as plain data rather than through the nested
    # serializers that describe them: six nested serializers per row were a third of a
    # 100-row page's time. tests/api/test_soi_screening.py checks both give the same.
    @extend_schema_field(ScreeningSerializer)
    def get_screening(self, row) -> dict:
        return {
            "result": row.screening.result,
            "checks": [
                {
                    "key": check.key,
                    "title": str(check.title),
                    "result": check.result,
                    "reasons": [str(reason) for reason in check.reasons],
                }
                for check in row.screening.checks
            ],
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row) -> str:
        return _detail_url(self, "api:soi-detail", row.application.pk)

    @extend_schema_field(ScoresSerializer(allow_null=True))
    def get_scores(self, row):
        if not row.extra.get("scores_visible"):
            return None
        # average_score is already rounded to 0.1 (QueueRow), as the DecimalField would.
        return {
            "reviews_submitted": row.review_count,
            "average_total": row.average_score,
            "max_total": row.max_total,
        }


def _figure(source: str, help_text: str):
    # Rates and changes have one decimal (outcomes.arithmetic); changes may be negative.
    return serializers.DecimalField(
        source=source, max_digits=12, decimal_places=1, allow_null=True, help_text=help_text
    )


class OutcomeSerializer(serializers.Serializer):
    """One site-year of outcome figures, computed as the site's outcome page computes them
    (outcomes.selectors.site_series over every year of the site). Only verified years
    count: `rate_per_100k` and the changes are null for any other year, as on the page,
    which shows an entered figure as "not verified" (`entered_rate_per_100k`)."""

    id = serializers.IntegerField(source="row.pk")
    url = serializers.SerializerMethodField()
    site_id = serializers.IntegerField(source="row.site_id")
    site_name = serializers.CharField(source="row.site.jurisdiction.name")
    state = serializers.CharField(source="row.site.jurisdiction.state")
    cohort_year = serializers.IntegerField(source="row.site.cohort_year")
    phase = serializers.CharField(source="row.site.phase")
    year = serializers.IntegerField(source="row.year")
    period = serializers.ChoiceField(
        source="result.period",
        choices=["baseline", "psp", "after", "other"],
        help_text="Baseline, PSP or after-PSP year of the site ('other': outside those).",
    )
    status = serializers.ChoiceField(source="row.status", choices=OutcomeYear.Status.choices)
    origin = serializers.ChoiceField(source="row.origin", choices=OutcomeYear.Origin.choices)
    murder = serializers.SerializerMethodField(help_text=PROGRAM_ONLY)
    rape = serializers.SerializerMethodField(help_text=PROGRAM_ONLY)
    robbery = serializers.SerializerMethodField(help_text=PROGRAM_ONLY)
    aggravated_assault = serializers.SerializerMethodField(help_text=PROGRAM_ONLY)
    offenses = serializers.IntegerField(
        source="row.offenses", allow_null=True, help_text="Null until all four are entered."
    )
    population = serializers.IntegerField(source="row.population", allow_null=True)
    source = serializers.SerializerMethodField(help_text=PROGRAM_ONLY)
    rate_per_100k = _figure("result.rate", "Verified years only.")
    entered_rate_per_100k = _figure(
        "result.entered_rate", "The rate of the figures as entered, verified or not."
    )
    baseline_rate = _figure(
        "series.baseline_rate", "The mean of the site's verified baseline years' rates."
    )
    change_vs_baseline_pct = _figure(
        "result.change", "Percent change of the rate against the baseline rate."
    )
    national_rate = _figure(
        "result.national_rate", "The latest edition of the year's national rate."
    )
    national_change_pct = _figure(
        "result.national_change", "The same change for the nation, over the same years."
    )
    relative_to_national_pp = _figure(
        "result.relative", "The change minus the national change, in points."
    )
    population_moved_over_10pct = serializers.SerializerMethodField(
        help_text="DOJ staff and liaisons only; null for others."
    )
    return_reason = serializers.SerializerMethodField(
        help_text="Why the liaison returned the figures (returned years only)."
    )
    note = serializers.SerializerMethodField(help_text=PROGRAM_ONLY)
    entered_at = serializers.DateTimeField(source="row.entered_at", allow_null=True)
    reviewed_at = serializers.DateTimeField(
        source="row.reviewed_at", allow_null=True, help_text="Verified or returned at."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item) -> str:
        return _detail_url(self, "api:outcome-detail", item["row"].pk)

    def _program(self, item, name):
        # The site page shows the total; the counts, source and note are in the program
        # Outcomes page's CSV, for those who may open it.
        return getattr(item["row"], name) if self.context.get("program_figures") else None

    def get_murder(self, item) -> int | None:
        return self._program(item, "murder")

    def get_rape(self, item) -> int | None:
        return self._program(item, "rape")

    def get_robbery(self, item) -> int | None:
        return self._program(item, "robbery")

    def get_aggravated_assault(self, item) -> int | None:
        return self._program(item, "aggravated_assault")

    def get_source(self, item) -> str | None:
        return self._program(item, "source")

    def get_note(self, item) -> str | None:
        return self._program(item, "note")

    def get_population_moved_over_10pct(self, item) -> bool | None:
        return item["result"].population_flag if self.context.get("internal") else None

    def get_return_reason(self, item) -> str | None:
        row = item["row"]
        return row.return_reason if row.status == OutcomeYear.Status.RETURNED else None


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
        return _detail_url(self, "api:report-detail", report.pk)

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_download_url(self, report) -> str | None:
        if report.status != Report.Status.READY or not report.file:
            return None
        return _absolute(self, reverse("reports:download", args=[report.pk]))
