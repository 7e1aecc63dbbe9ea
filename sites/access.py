"""Who may see and change sites.

Reading other sites is the permission `sites.view_any_site`, which accounts/roles.py
grants to reviewers, selecting officials, liaisons and program admins. The program
decides whether liaisons read sites other than their own by keeping or removing that
permission on the "Site liaison" group (Django admin, or roles.py plus a sync
migration); without it a liaison reads only the sites currently assigned to them.
Applicants read only the site of their own jurisdiction, without INTERNAL fields;
an account attached to a jurisdiction without the applicant permission (a certifying
official) reads none.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Site


def sites_visible_to(user) -> QuerySet[Site]:
    if not user.is_authenticated:
        return Site.objects.none()
    if user.has_perm("sites.view_any_site") or user.has_perm("sites.manage_sites"):
        return Site.objects.all()
    if user.has_perm("engagements.log_engagement"):
        return Site.objects.filter(liaison=user)
    # The applicant capacity, not the account's jurisdiction alone: a certifying
    # official attached to the jurisdiction reads nothing of it but the SOI they sign.
    if user.jurisdiction_id and user.has_perm("accounts.file_statement_of_interest"):
        return Site.objects.filter(jurisdiction_id=user.jurisdiction_id)
    return Site.objects.none()


def get_site_for(user, pk: int) -> Site:
    # 404, not 403: nobody learns which site ids exist outside their scope.
    return get_object_or_404(
        sites_visible_to(user).select_related("jurisdiction", "liaison"), pk=pk
    )


def can_see_internal(user) -> bool:
    """DOJ staff and liaisons see INTERNAL fields; applicants never do."""
    return user.has_perm("accounts.open_staff_area")


def can_manage_sites(user) -> bool:
    return user.has_perm("sites.manage_sites")


def can_edit_plan(user, site: Site) -> bool:
    """Goals and team roster: program admins, and the site's current liaison."""
    return can_manage_sites(user) or (
        user.has_perm("engagements.log_engagement") and site.liaison_id == user.pk
    )


def can_use_program_view(user) -> bool:
    return user.has_perm("accounts.open_staff_area") and user.has_perm("sites.view_any_site")
