"""The selection slate's text from known data: ranking, average score, screening, decision."""

import pytest
from pypdf import PdfReader

from reports.models import Report
from tests.factories import ApplicationFactory, CycleFactory, JurisdictionFactory
from tests.reviews.factories import DecisionFactory, ReviewFactory, assign

pytestmark = pytest.mark.django_db


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        pages = PdfReader(handle).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_selection_slate_text(selecting_official, reviewer, render_now):
    cycle = CycleFactory()
    top = ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="City of Topton")
    )
    low = ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="City of Lowell")
    )
    ReviewFactory(assignment=assign(top, reviewer), submitted=True)  # 4+4+3+3+4 = 18
    ReviewFactory(
        assignment=assign(low, reviewer),
        submitted=True,
        score_severity=1,
        score_leadership=1,
        score_readiness=1,
        score_partnerships=1,
        score_tta_clarity=1,
    )  # 5
    DecisionFactory(
        application=top,
        outcome="selected",
        decided_by=selecting_official,
        rationale="Sustained rate far above the national rate; ready leadership.",
    )
    report = render_now("selection_slate", {"cycle_id": cycle.pk}, selecting_official)
    assert report.status == Report.Status.READY, report.error
    text = pdf_text(report)
    assert cycle.name in text
    assert top.reference_number in text and low.reference_number in text
    # Ranked by average score: Topton (18) before Lowell (5).
    assert text.index("City of Topton") < text.index("City of Lowell")
    assert f"1 City of Topton, OH {top.reference_number} 18.0 / 25 1 of 1" in text
    assert f"2 City of Lowell, OH {low.reference_number} 5.0 / 25 1 of 1" in text
    assert "Selected 2 City of Lowell" in text  # Topton's decision, in its row
    # The decisions section names who decided and keeps the rationale.
    assert "Decisions and rationales" in text
    assert "Sustained rate far above the national rate; ready leadership." in text
    assert str(selecting_official) in text
