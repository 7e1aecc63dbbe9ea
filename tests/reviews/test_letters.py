"""Release: one decision letter per decision, rendered once, mailed once, shown after release."""

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.models import Report
from reports.services import _enqueue_render, report_render
from reviews.models import Decision
from reviews.report_kinds import decision_letter_can_view
from reviews.services import decision_record, decision_reverse, decisions_release
from tests.factories import ApplicantFactory, ApplicationFactory
from tests.reviews.factories import DecisionFactory

pytestmark = pytest.mark.django_db


def pdf_text(report) -> str:
    pages = PdfReader(report.file.open("rb")).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def decided(cycle, selecting_official, applicant):
    """Two decided SOIs in the cycle; the first is the `applicant` fixture's jurisdiction."""
    mine = ApplicationFactory(cycle=cycle, submitted=True, jurisdiction=applicant.jurisdiction)
    other = ApplicationFactory(cycle=cycle, submitted=True)
    first = decision_record(
        application=mine, outcome="selected", rationale="Top ranked.", actor=selecting_official
    )
    second = decision_record(
        application=other, outcome="not_selected", rationale="Below cut.", actor=selecting_official
    )
    return first, second


def test_release_requests_one_letter_per_decision_after_commit(
    decided, cycle, selecting_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        released = decisions_release(cycle=cycle, actor=selecting_official)
    assert len(released) == 2
    letters = Report.objects.filter(kind="decision_letter")
    assert letters.count() == 2
    # One render enqueued per letter, only after commit (the selected city's new site
    # queues its own work too, e.g. copying its outcome baseline).
    renders = [c for c in callbacks if getattr(c, "func", None) is _enqueue_render]
    assert sorted(c.args[0] for c in renders) == sorted(letters.values_list("pk", flat=True))
    for decision in Decision.objects.all():
        assert decision.released_at is not None and decision.released_by == selecting_official
        assert decision.letter.params == {"decision_id": decision.pk}


def test_releasing_again_requests_no_second_letter(decided, cycle, selecting_official):
    decisions_release(cycle=cycle, actor=selecting_official)
    with pytest.raises(Exception, match="no unreleased"):
        decisions_release(cycle=cycle, actor=selecting_official)
    assert Report.objects.filter(kind="decision_letter").count() == 2


def test_letter_renders_and_mails_the_jurisdiction_once(
    decided, cycle, selecting_official, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction)
    decisions_release(cycle=cycle, actor=selecting_official)
    letter = Decision.objects.get(pk=decided[0].pk).letter
    mailoutbox.clear()  # eager rendering at commit may already have mailed; start clean
    Report.objects.filter(pk=letter.pk).update(status="queued", notified_at=None)
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after commit
        report_render(report_id=letter.pk)
        report_render(report_id=letter.pk)  # a redelivered task: no second render, no second mail
    letter.refresh_from_db()
    assert letter.status == Report.Status.READY
    text = pdf_text(letter)
    assert "has been selected as a PSP site" in text
    assert "Top ranked." not in text  # the internal rationale stays internal
    recipients = sorted(m.to[0] for m in mailoutbox)
    members = applicant.jurisdiction.members.values_list("email", flat=True)
    assert recipients == sorted(members)
    assert applicant.email in recipients and colleague.email in recipients
    assert reverse("reports:detail", args=[letter.pk]) in mailoutbox[0].body


def test_not_selected_letter_says_so(decided, cycle, selecting_official):
    decisions_release(cycle=cycle, actor=selecting_official)
    letter = Decision.objects.get(pk=decided[1].pk).letter
    Report.objects.filter(pk=letter.pk).update(status="queued")
    report_render(report_id=letter.pk)
    letter.refresh_from_db()
    text = pdf_text(letter)
    assert "has not been selected" in text


def test_applicant_sees_the_letter_only_after_release_and_only_their_own(
    decided, cycle, selecting_official, applicant, other_applicant, program_admin
):
    first, _second = decided
    early = Report(kind="decision_letter", params={"decision_id": first.pk})
    assert not decision_letter_can_view(applicant, early)
    decisions_release(cycle=cycle, actor=selecting_official)
    first.refresh_from_db()
    assert decision_letter_can_view(applicant, first.letter)
    assert not decision_letter_can_view(other_applicant, first.letter)
    assert decision_letter_can_view(program_admin, first.letter)
    decision_reverse(decision=first, reason="Error.", actor=program_admin)
    assert not decision_letter_can_view(applicant, first.letter)


def test_decision_letter_kind_is_registered():
    from reports.kinds import get_kind

    assert get_kind("decision_letter").template_name == "pdf/decision_letter.html"
    assert get_kind("selection_slate").params_form is not None


def test_selection_slate_pdf_renders_for_officials(cycle, selecting_official, reviewer):
    from reviews.report_kinds import selection_slate_can_view

    application = ApplicationFactory(cycle=cycle, submitted=True)
    DecisionFactory(application=application, outcome="selected", decided_by=selecting_official)
    report = Report.objects.create(
        kind="selection_slate", params={"cycle_id": cycle.pk}, requested_by=selecting_official
    )
    report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    text = pdf_text(report)
    assert application.reference_number in text
    assert selection_slate_can_view(selecting_official, report)
    assert not selection_slate_can_view(reviewer, report)


def test_applicant_status_tag_shows_the_letter_only_after_release(
    decided, cycle, selecting_official
):
    from django.template import Context, Template

    template = Template("{% load applications_tags %}{% applicant_status application %}")
    application = decided[0].application
    before = template.render(Context({"application": application}))
    assert "Under review" not in before and "Submitted" in before
    assert "Decision letter" not in before
    decisions_release(cycle=cycle, actor=selecting_official)
    after = template.render(Context({"application": application}))
    assert "Selected" in after and "Decision letter" in after
    assert "Top ranked." not in after  # the rationale is internal
