"""Report kinds used only by tests (registered by fixtures and by the test worker)."""

from pathlib import Path

from django import forms

from reports.kinds import ReportKind, register, unregister

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# kind.on_ready calls, to prove it runs once per report.
READY_CALLS: list[int] = []


def figures_context(report):
    rows = int(report.params["rows"])
    return {
        "district": report.params.get("district", "Northern District of Ohio"),
        "rows": [
            {"number": n, "label": f"Engagement {n}", "hours": n * 3, "participants": n * 7}
            for n in range(1, rows + 1)
        ],
        "total_hours": sum(n * 3 for n in range(1, rows + 1)),
    }


def can_view_test_report(user, report):
    return report.requested_by_id == user.pk or user.has_perm("reports.request_program_reports")


def record_ready(report):
    READY_CALLS.append(report.pk)


class FiguresForm(forms.Form):
    district = forms.CharField(max_length=100)
    rows = forms.IntegerField(min_value=1, max_value=500, help_text="Rows in the table.")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # proves the request view hands the signed-in user to the form

    def clean_district(self):
        district = self.cleaned_data["district"]
        if district == "Secret District" and not self.user.has_perm(
            "reports.request_program_reports"
        ):
            raise forms.ValidationError("You may not request reports on this district.")
        return district


FIGURES = ReportKind(
    slug="test-figures",
    title="Test figures report",
    template_name="reports_test/figures.html",
    build_context=figures_context,
    can_view=can_view_test_report,
    params_form=FiguresForm,
    on_ready=record_ready,
    filename=lambda report: f"figures-{report.pk}",
)

BROKEN_TEMPLATE = ReportKind(
    slug="test-broken-template",
    title="Broken template report",
    template_name="reports_test/broken.html",
    build_context=lambda report: {},
    can_view=can_view_test_report,
)

BAD_DATA = ReportKind(
    slug="test-bad-data",
    title="Bad data report",
    template_name="reports_test/figures.html",
    build_context=figures_context,  # params without "rows": KeyError
    can_view=can_view_test_report,
)

SYSTEM_ONLY = ReportKind(
    slug="test-system-only",
    title="System report",
    template_name="reports_test/figures.html",
    build_context=figures_context,
    can_view=lambda user, report: user.has_perm("reports.request_program_reports"),
)

PROGRAM_ONLY = ReportKind(
    slug="test-program-only",
    title="Program-wide test report",
    template_name="reports_test/figures.html",
    build_context=figures_context,
    can_view=lambda user, report: user.has_perm("reports.request_program_reports"),
    params_form=FiguresForm,
    can_request=lambda user: user.has_perm("reports.request_program_reports"),
)


def slow_figures_context(report):
    # A render that takes a while, so a test can kill the worker in the middle of it.
    import time

    time.sleep(float(report.params.get("seconds", 3)))
    return figures_context(report)


SLOW = ReportKind(
    slug="test-slow",
    title="Slow test report",
    template_name="reports_test/figures.html",
    build_context=slow_figures_context,
    can_view=can_view_test_report,
    filename=lambda report: f"slow-{report.pk}",
)

MUST_DELIVER = ReportKind(
    slug="test-must-deliver",
    title="Must-deliver test report (like the SOI receipt)",
    template_name="reports_test/broken.html",
    build_context=lambda report: {},
    can_view=can_view_test_report,
    rerun_until_ready=True,
)

ALL = (FIGURES, BROKEN_TEMPLATE, BAD_DATA, SYSTEM_ONLY, PROGRAM_ONLY, MUST_DELIVER, SLOW)


def register_all():
    for kind in ALL:
        register(kind)


def unregister_all():
    for kind in ALL:
        unregister(kind.slug)
