"""The half-year narrative report ("half_year_narrative"), rendered by the reports pipeline.

One site's half-year narrative update (BJA reporting) with the period's figures;
INTERNAL, so for staff and liaisons who read the site.
"""

from django import forms
from django.utils import timezone

from reports.kinds import ReportKind, register
from sites.access import can_see_internal, sites_visible_to
from sites.models import FIRST_COHORT_YEAR, Site

from ..models import Engagement, NarrativeUpdate
from ..services import half_year_bounds, half_year_figures
from ..stats import totals_by_type

DELIVERED = Engagement.Status.DELIVERED


def _narrative_params(report) -> tuple[int | None, int | None, int | None]:
    try:
        params = report.params
        return int(params["site_id"]), int(params["year"]), int(params["half"])
    except (TypeError, ValueError, KeyError, AttributeError):
        return None, None, None


def half_year_narrative_context(report) -> dict:
    site_id, year, half = _narrative_params(report)
    site = Site.objects.select_related("jurisdiction", "liaison").get(pk=site_id)
    narrative = NarrativeUpdate.objects.select_related("author").get(
        site=site, year=year, half=half
    )
    first, last = half_year_bounds(year, half)
    delivered = Engagement.objects.filter(
        site=site, status=DELIVERED, start_date__range=(first, last)
    )
    by_type = totals_by_type(delivered)
    return {
        "site": site,
        "year": year,
        "half": half,
        "half_label": NarrativeUpdate.Half(half).label,
        "first": first,
        "last": last,
        "narrative": narrative,
        "paragraphs": [p.strip() for p in narrative.narrative.split("\n\n") if p.strip()],
        "log_figures": half_year_figures(site=site, year=year, half=half),
        "participants": sum(row["participants"] for row in by_type),
        "by_type": by_type,
        "delivered": list(delivered.order_by("start_date", "pk")),
    }


def half_year_narrative_can_view(user, report) -> bool:
    # INTERNAL: staff and liaisons who read the site (a liaison without
    # sites.view_any_site reads only the sites assigned to them).
    site_id, _year, _half = _narrative_params(report)
    if site_id is None or not user.is_authenticated or not can_see_internal(user):
        return False
    return sites_visible_to(user).filter(pk=site_id).exists()


def half_year_narrative_filename(report) -> str:
    site_id, year, half = _narrative_params(report)
    return f"site-{site_id}-narrative-{year}-h{half}.pdf"


class HalfYearNarrativeForm(forms.Form):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label="Choose a site",
        error_messages={"invalid_choice": "Choose one of the sites listed."},
    )
    year = forms.IntegerField(label="Year", min_value=FIRST_COHORT_YEAR)
    half = forms.TypedChoiceField(
        label="Half-year", choices=NarrativeUpdate.Half.choices, coerce=int
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sites whose internal narrative the user may read.
        visible = sites_visible_to(user) if can_see_internal(user) else Site.objects.none()
        self.fields["site"].queryset = visible.select_related("jurisdiction")
        today = timezone.localdate()
        self.fields["year"].max_value = today.year
        self.fields["year"].initial = today.year

    def clean(self):
        cleaned = super().clean()
        site, year, half = cleaned.get("site"), cleaned.get("year"), cleaned.get("half")
        if site and year and half:
            first, _last = half_year_bounds(year, half)
            if first > timezone.localdate():
                self.add_error("half", "That half-year has not begun.")
            elif not NarrativeUpdate.objects.filter(site=site, year=year, half=half).exists():
                self.add_error(
                    "half",
                    "No narrative update has been written for this site and half-year yet.",
                )
        return cleaned

    def to_params(self) -> dict:
        return {
            "site_id": self.cleaned_data["site"].pk,
            "year": self.cleaned_data["year"],
            "half": self.cleaned_data["half"],
        }


HALF_YEAR_NARRATIVE = register(
    ReportKind(
        slug="half_year_narrative",
        title="Half-year narrative update",
        template_name="pdf/half_year_narrative.html",
        build_context=half_year_narrative_context,
        can_view=half_year_narrative_can_view,
        params_form=HalfYearNarrativeForm,
        filename=half_year_narrative_filename,
        can_request=can_see_internal,
    )
)
