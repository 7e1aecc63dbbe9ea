"""Who may see and log engagements.

A liaison logs and edits engagements only for the sites currently assigned to them
(`Site.liaison`); anything else is a 404. Program admins hold
`engagements.log_engagement_any_site`. Reading follows sites.access: staff who may
read a site read all its engagements; applicants read only their site's delivered
engagements, without INTERNAL fields or attachments.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sites.access import can_see_internal, sites_visible_to
from sites.models import Site

from .models import Engagement, FollowUpAction


def _reads_every_site(user) -> bool:
    return user.is_authenticated and (
        user.has_perm("sites.view_any_site") or user.has_perm("sites.manage_sites")
    )


def engagements_visible_to(user) -> QuerySet[Engagement]:
    if _reads_every_site(user):
        # Every site: no `site_id IN (SELECT ...)` filter, so the planner can walk the
        # (-start_date, -id) index for a page of the list instead of sorting every row.
        visible = Engagement.objects.all()
    else:
        visible = Engagement.objects.filter(site__in=sites_visible_to(user))
    if not can_see_internal(user):
        visible = visible.filter(status=Engagement.Status.DELIVERED)
    return visible


def follow_ups_visible_to(user) -> QuerySet[FollowUpAction]:
    """The follow-ups of the engagements `user` reads; they are internal, so DOJ staff's
    and liaisons' only."""
    if not (user.is_authenticated and can_see_internal(user)):
        return FollowUpAction.objects.none()
    if _reads_every_site(user):
        # Every engagement, so no `engagement_id IN (SELECT ...)`: SQLite answered that
        # by looking up each of 200,000 engagements' follow-ups and sorting them all
        # for one page of the API's list (75 ms at bench scale 10, issue 20).
        return FollowUpAction.objects.all()
    return FollowUpAction.objects.filter(engagement__in=engagements_visible_to(user))


def sites_loggable_by(user) -> QuerySet[Site]:
    if user.has_perm("engagements.log_engagement_any_site"):
        return Site.objects.all()
    if user.has_perm("engagements.log_engagement"):
        return Site.objects.filter(liaison=user)
    return Site.objects.none()


def engagements_editable_by(user) -> QuerySet[Engagement]:
    return Engagement.objects.filter(site__in=sites_loggable_by(user))


def get_engagement_for(user, pk: int) -> Engagement:
    return get_object_or_404(
        engagements_visible_to(user).select_related("site__jurisdiction", "site__liaison"), pk=pk
    )


def get_engagement_for_edit(user, pk: int) -> Engagement:
    # 404 for an engagement of a site the liaison is not assigned to.
    return get_object_or_404(
        engagements_editable_by(user).select_related("site__jurisdiction"), pk=pk
    )


def get_site_for_logging(user, site_pk: int) -> Site:
    return get_object_or_404(sites_loggable_by(user).select_related("jurisdiction"), pk=site_pk)


def can_log_for(user, site: Site) -> bool:
    """The rule of `sites_loggable_by`, decided on a loaded site without a query."""
    if user.has_perm("engagements.log_engagement_any_site"):
        return True
    return user.has_perm("engagements.log_engagement") and site.liaison_id == user.pk


def can_import(user) -> bool:
    return user.has_perm("engagements.log_engagement")


def import_jobs_visible_to(user):
    """Each user's own imports; program admins (who import for any site) see all."""
    from .models import ImportJob

    if user.has_perm("engagements.log_engagement_any_site"):
        return ImportJob.objects.all()
    return ImportJob.objects.filter(uploaded_by=user)


def get_import_job_for(user, pk: int):
    # 404, not 403: nobody learns which import ids exist.
    return get_object_or_404(import_jobs_visible_to(user), pk=pk)
