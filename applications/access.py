"""Who may see and change Statements of Interest. Lists and detail pages start here."""

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from .extensions import narrow_for_reviewer
from .models import Application, Letter

STAFF_READ_PERMS = ("applications.review_application", "applications.view_all_applications")


def is_applicant(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.file_statement_of_interest")


def can_read_all(user) -> bool:
    return any(user.has_perm(perm) for perm in STAFF_READ_PERMS)


def applications_visible_to(user) -> QuerySet[Application]:
    """Staff with a review permission see submitted SOIs; applicants see their jurisdiction's."""
    if not user.is_authenticated:
        return Application.objects.none()
    if can_read_all(user):
        # Drafts are the applicant's working copy; staff see what was filed.
        filed = Application.objects.exclude(status=Application.Status.DRAFT)
        if user.has_perm("applications.view_all_applications"):
            return filed
        # A reviewer reads only what is assigned to them and not declared conflicted, on
        # these pages as on the review pages: reviews supplies that rule (see extensions).
        return narrow_for_reviewer(user, filed)
    if is_applicant(user) and user.jurisdiction_id:
        return Application.objects.filter(jurisdiction_id=user.jurisdiction_id)
    return Application.objects.none()


def applications_of_my_jurisdiction(user) -> QuerySet[Application]:
    """The applicant pages' scope: only the user's own jurisdiction, whatever else they hold."""
    if not is_applicant(user) or not user.jurisdiction_id:
        return Application.objects.none()
    return Application.objects.filter(jurisdiction_id=user.jurisdiction_id)


def get_own_application_for(user, pk: int) -> Application:
    """For applicant pages (sections, letters, submit, withdraw)."""
    # 404, not 403: an applicant must not learn another jurisdiction's ids exist.
    return get_object_or_404(applications_of_my_jurisdiction(user), pk=pk)


def get_letter_for(user, pk: int) -> Letter:
    visible = applications_visible_to(user)
    return get_object_or_404(
        Letter.objects.select_related("application").filter(application__in=visible), pk=pk
    )


def can_edit(user, application: Application) -> bool:
    return (
        application.is_draft
        and is_applicant(user)
        and (user.jurisdiction_id == application.jurisdiction_id)
    )


def can_submit(user, application: Application) -> bool:
    return can_edit(user, application) and application.can_move_to(Application.Status.SUBMITTED)


def with_withdrawal_facts(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate what `can_withdraw` reads, so a list asks no query per row."""
    # `decisions` is the reverse name of reviews' Decision.application; intake reads only
    # whether one is in force, through the relation, without importing reviews.
    return queryset.annotate(
        has_decision_in_force=Exists(
            Application.decisions.rel.related_model.objects.filter(
                application=OuterRef("pk"), reversed_at__isnull=True
            )
        )
    )


def has_decision_in_force(application: Application) -> bool:
    """A decision not reversed (released or not) ends withdrawal: the SOI is decided."""
    annotated = getattr(application, "has_decision_in_force", None)
    if annotated is not None:
        return annotated
    return application.decisions.filter(reversed_at__isnull=True).exists()


def can_withdraw(user, application: Application) -> bool:
    """Only when `application_withdraw` would accept it, so the button never misleads."""
    return (
        is_applicant(user)
        and user.jurisdiction_id == application.jurisdiction_id
        and application.can_move_to(Application.Status.WITHDRAWN)
        and not has_decision_in_force(application)
    )


def can_manage_cycles(user) -> bool:
    return user.has_perm("applications.manage_cycles")


def can_view_history(user) -> bool:
    return can_read_all(user)


def signature_requests_of_official(user) -> QuerySet:
    """The "certifying official" capacity: the requests this account opened as the officer.

    It opens the certification page and the read-only summary of those SOIs only; no
    other page of the jurisdiction reads it."""
    from .models import SignatureRequest

    if not user.is_authenticated:
        return SignatureRequest.objects.none()
    return SignatureRequest.objects.filter(signer=user)


def get_signature_request_for(user, pk: int):
    # 404, not 403: nobody learns that another officer's request exists.
    return get_object_or_404(
        signature_requests_of_official(user).select_related(
            "application__jurisdiction", "application__cycle__certification_text"
        ),
        pk=pk,
    )
