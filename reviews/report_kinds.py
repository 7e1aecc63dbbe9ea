"""PDFs owned by review and selection: the decision letter and the selection slate."""

from django.conf import settings
from django.urls import reverse

from reports.kinds import EXTERNAL, ReportKind, register

from .access import can_see_all


def _param(report, name: str) -> int | None:
    try:
        return int(report.params.get(name))
    except (TypeError, ValueError, AttributeError):
        return None


def _decision(report):
    from .models import Decision

    return (
        Decision.objects.select_related(
            "application__jurisdiction", "application__cycle", "decided_by", "site"
        )
        .filter(pk=_param(report, "decision_id"))
        .first()
    )


# --- decision letter ------------------------------------------------------------------


def decision_letter_context(report) -> dict:
    from django.utils import timezone

    from reports.letters import letter_signatory, salutation

    decision = _decision(report)
    application = decision.application
    contacts = {c.role: c for c in application.contacts.all()}
    addressee = contacts.get("chief_executive")
    cc = [contacts[role] for role in ("agency_head", "point_of_contact") if role in contacts]
    return {
        "decision": decision,
        "application": application,
        "jurisdiction": application.jurisdiction,
        "cycle": application.cycle,
        "addressee": addressee,
        "point_of_contact": contacts.get("point_of_contact"),
        "salutation": salutation(addressee.name, addressee.title) if addressee else None,
        "cc": [c for c in cc if c.name],
        # The letter is dated the day the decision was released (today for a preview).
        "letter_date": timezone.localtime(decision.released_at or timezone.now()).date(),
        # No signatory: the render fails with the message naming who must set it.
        "signatory": letter_signatory(),
        "selected": decision.outcome == decision.Outcome.SELECTED,
    }


def decision_letter_can_view(user, report) -> bool:
    """Officials always; the jurisdiction's applicants once the decision is released."""
    if not user.is_authenticated:
        return False
    decision = _decision(report)
    if decision is None:
        return False
    if can_see_all(user):
        return True
    return (
        decision.is_released
        and decision.letter_id == report.pk
        and user.has_perm("accounts.file_statement_of_interest")
        and user.jurisdiction_id == decision.application.jurisdiction_id
    )


def decision_letter_ready(report) -> None:
    """Mail each member of the jurisdiction a link (no attachment: the portal checks access)."""
    decision = _decision(report)
    if decision is None or not decision.is_released:
        return  # reversed since release: the applicant will hear through the next decision
    application = decision.application
    from notifications.services import email_queue

    recipients = application.jurisdiction.members.filter(is_active=True).order_by("email")
    context = {
        "application": application,
        "decision": decision,
        "letter_url": f"{settings.SITE_URL}{reverse('reports:detail', args=[report.pk])}",
    }
    subject = f"[PSP Portal] Decision on your Statement of Interest {application.reference_number}"
    # One message per person: colleagues' addresses are not shared through the To line.
    for user in recipients:
        email_queue(
            kind="decision",
            to=user,
            subject=subject,
            template="reviews/email/decision_letter",
            context=context,
        )


def decision_letter_filename(report) -> str:
    decision = _decision(report)
    reference = decision.application.reference_number if decision else None
    return f"{reference or 'psp'}-decision-letter.pdf"


DECISION_LETTER = register(
    ReportKind(
        slug="decision_letter",
        title="Decision on your Statement of Interest",
        template_name="pdf/decision_letter.html",
        build_context=decision_letter_context,
        can_view=decision_letter_can_view,
        on_ready=decision_letter_ready,
        filename=decision_letter_filename,
        audience=EXTERNAL,  # sent to the jurisdiction: a letter, unmarked
    )
)


# --- selection slate ------------------------------------------------------------------


def selection_slate_context(report) -> dict:
    from applications.models import Cycle

    from .selectors import slate_counts, slate_rows

    cycle = Cycle.objects.select_related("national_rate").get(pk=_param(report, "cycle_id"))
    rows = slate_rows(cycle, report.requested_by)  # every SOI, ranked in SQL
    counts = slate_counts(cycle, report.requested_by)
    return {
        "cycle": cycle,
        "rows": rows,
        "selected_count": counts["selected"],
        "decided_count": counts["decided"],
    }


def selection_slate_can_view(user, report) -> bool:
    return user.is_authenticated and can_see_all(user)


def selection_slate_filename(report) -> str:
    return f"selection-slate-cycle-{_param(report, 'cycle_id')}.pdf"


def _register_slate():
    from .forms import SlateReportForm

    return register(
        ReportKind(
            slug="selection_slate",
            title="Selection slate",
            template_name="pdf/selection_slate.html",
            build_context=selection_slate_context,
            can_view=selection_slate_can_view,
            params_form=SlateReportForm,
            filename=selection_slate_filename,
            can_request=lambda user: user.is_authenticated and can_see_all(user),
        )
    )


SELECTION_SLATE = _register_slate()
