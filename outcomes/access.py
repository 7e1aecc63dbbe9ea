"""Who may read, enter, verify and return outcome figures.

- Reading: whoever may read the site (sites.access.sites_visible_to): another
  jurisdiction's applicant gets 404, never 403.
- Entering a year: the site's own users (accounts of the site's jurisdiction) and
  staff holding outcomes.manage_outcomes (program admins).
- Verifying and returning: the site's current Strategic Site Liaison, so the
  person who checks is never the jurisdiction that reported; program admins only
  for a site without a liaison (alumni sites).
- The program Outcomes page and CSV export: DOJ staff who read every site
  (sites.access.can_use_program_view); the outcome report: holders of
  reports.request_program_reports; import and due dates: outcomes.manage_outcomes.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sites.access import can_use_program_view, get_site_for, sites_visible_to

from .models import OutcomeYear

MANAGE = "outcomes.manage_outcomes"


def outcomes_visible_to(user) -> QuerySet[OutcomeYear]:
    return OutcomeYear.objects.filter(site__in=sites_visible_to(user))


def get_outcome_site_for(user, site_pk: int):
    # 404 for a site outside the user's scope (sites.access decides).
    return get_site_for(user, site_pk)


def get_outcome_for(user, pk: int) -> OutcomeYear:
    return get_object_or_404(
        outcomes_visible_to(user).select_related("site", "site__jurisdiction", "site__liaison"),
        pk=pk,
    )


def can_manage_outcomes(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE)


def is_site_user(user, site) -> bool:
    """An applicant of the site's own jurisdiction.

    The permission matters: a certifying official is attached to the jurisdiction too,
    and must not enter or submit its figures (tests/security, the matrix's certifier)."""
    return bool(
        user.is_authenticated
        and user.jurisdiction_id
        and user.jurisdiction_id == site.jurisdiction_id
        and user.has_perm("accounts.file_statement_of_interest")
    )


def can_enter(user, site) -> bool:
    return is_site_user(user, site) or can_manage_outcomes(user)


def can_review(user, site) -> bool:
    """Verify or return: the site's current liaison; for a site without one (alumni
    sites report two years after graduation, usually without a liaison), program
    admins (outcomes.manage_outcomes)."""
    if not user.is_authenticated:
        return False
    if site.liaison_id is not None:
        return site.liaison_id == user.pk
    return can_manage_outcomes(user)


def can_use_outcomes_page(user) -> bool:
    return can_use_program_view(user)


def can_request_outcome_report(user) -> bool:
    return user.is_authenticated and user.has_perm("reports.request_program_reports")
