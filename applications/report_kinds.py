"""The SOI receipt ("soi_packet"), rendered by the reports pipeline."""

from datetime import datetime

from reports.kinds import EXTERNAL, ReportKind, register

from .access import applications_visible_to
from .models import Application


def _application_id(report) -> int | None:
    try:
        return int(report.params.get("application_id"))
    except (TypeError, ValueError, AttributeError):
        return None


def soi_packet_context(report) -> dict:
    application = Application.objects.select_related("cycle", "jurisdiction").get(
        pk=_application_id(report)
    )
    # The receipt shows the frozen snapshot, so it says exactly what was submitted,
    # even if it is rendered again later.
    snapshot = application.snapshot or {}
    signature = (snapshot.get("certification") or {}).get("signature")
    return {
        "application": application,
        "snapshot": snapshot,
        "digest": application.snapshot_sha256,
        # The chief legal officer's signature block (None for SOIs filed before it).
        "signature": {**signature, "signed_at": datetime.fromisoformat(signature["signed_at"])}
        if signature
        else None,
    }


def soi_packet_can_view(user, report) -> bool:
    """Whoever may see the application may see its receipt."""
    application_id = _application_id(report)
    if application_id is None or not user.is_authenticated:
        return False
    return applications_visible_to(user).filter(pk=application_id).exists()


def soi_packet_ready(report) -> None:
    from .services import application_receipt_ready

    application = Application.objects.select_related("jurisdiction").get(pk=_application_id(report))
    application_receipt_ready(application=application)


def soi_packet_filename(report) -> str:
    application = Application.objects.filter(pk=_application_id(report)).first()
    reference = application.reference_number if application else None
    return f"{reference or 'soi'}-receipt.pdf"


SOI_PACKET = register(
    ReportKind(
        slug="soi_packet",
        title="Statement of Interest receipt",
        template_name="pdf/soi_packet.html",
        build_context=soi_packet_context,
        can_view=soi_packet_can_view,
        on_ready=soi_packet_ready,
        filename=soi_packet_filename,
        # The applicant cannot request a receipt again: the sweeper keeps trying.
        rerun_until_ready=True,
        audience=EXTERNAL,  # the applicant's own receipt: unmarked
    )
)
