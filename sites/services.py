"""Every change to a site goes through these functions, which record who made it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from program.focus_areas import FocusArea

from .models import (
    COMMITMENT_YEARS,
    Goal,
    Site,
    SiteFocusArea,
    SiteLiaisonAssignment,
    SitePhase,
    TeamMember,
)


class SiteError(Exception):
    """A business rule refused the change; the message says why."""


def _three_years_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + COMMITMENT_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + COMMITMENT_YEARS, day=28)


def _check_focus_areas(values) -> list[str]:
    unknown = [value for value in values if value not in FocusArea.values]
    if unknown:
        raise SiteError(_("Unknown focus area: %s.") % ", ".join(map(str, unknown)))
    return sorted(set(values))


@transaction.atomic
def site_create(
    *,
    jurisdiction,
    cohort_year: int,
    usao_district: str,
    actor,
    application=None,
    start_date: datetime.date | None = None,
    expected_end_date: datetime.date | None = None,
    engagement_level: str = "",
    liaison=None,
    focus_areas=(),
    summary: str = "",
    internal_notes: str = "",
) -> Site:
    """Create a site in the assessment phase, with its three-year window and first phase row.

    `application` is the selected Statement of Interest, when the site comes from one.
    """
    if application is not None and Site.objects.filter(application=application).exists():
        raise SiteError(_("That Statement of Interest already has a site."))
    if Site.objects.filter(jurisdiction=jurisdiction, cohort_year=cohort_year).exists():
        raise SiteError(
            _("%(j)s already has a site in the %(y)s cohort.")
            % {"j": jurisdiction, "y": cohort_year}
        )
    if engagement_level and cohort_year not in (2017, 2018):
        raise SiteError(_("Only 2017 and 2018 sites have an engagement level."))
    start_date = start_date or timezone.localdate()
    expected_end_date = expected_end_date or _three_years_after(start_date)
    if expected_end_date < start_date:
        raise SiteError(_("The expected end must not be before the start date."))
    site = Site(
        application=application,
        jurisdiction=jurisdiction,
        cohort_year=cohort_year,
        usao_district=usao_district,
        engagement_level=engagement_level,
        phase=Site.Phase.ASSESSMENT,
        phase_started_on=start_date,
        start_date=start_date,
        expected_end_date=expected_end_date,
        summary=summary,
        internal_notes=internal_notes,
    )
    site._history_user = actor
    site.full_clean(exclude=["liaison"])
    site.save()
    phase = SitePhase(
        site=site, phase=Site.Phase.ASSESSMENT, started_on=start_date, recorded_by=actor
    )
    phase._history_user = actor
    phase.save()
    site_set_focus_areas(site=site, focus_areas=focus_areas, actor=actor)
    if liaison is not None:
        site_assign_liaison(site=site, liaison=liaison, started_on=start_date, actor=actor)
    return site


def site_create_from_application(*, application, actor) -> Site:
    """Create the site for a selected Statement of Interest (called by the selection service).

    The cohort is the cycle's year; the USAO district is the one the SOI named. The
    caller's transaction (the decision) and this one commit or fail together.
    """
    if not application.judicial_district:
        raise SiteError(_("The Statement of Interest names no federal judicial district."))
    site = site_create(
        jurisdiction=application.jurisdiction,
        cohort_year=application.cycle.year,
        usao_district=application.judicial_district,
        actor=actor,
        application=application,
        focus_areas=application.tta_focus_areas or (),
    )
    # The SOI's contacts become the site's executive-leadership roster, so the liaison
    # starts with the people who applied instead of typing them again.
    for contact in application.contacts.exclude(name=""):
        team_member_save(
            site=site,
            actor=actor,
            role=TeamMember.Role.EXECUTIVE,
            name=contact.name,
            title=", ".join(
                part for part in (contact.title, SOI_CONTACT_ROLES.get(contact.role, "")) if part
            )[:150],
            organisation=application.jurisdiction.name,
            email=contact.email,
            phone=contact.phone,
        )
    return site


# How each SOI contact's role reads on the site roster.
SOI_CONTACT_ROLES = {
    "chief_executive": "chief executive",
    "agency_head": "head of the lead agency",
    "prosecutor": "prosecutor",
    "chief_legal_officer": "chief legal officer",
    "point_of_contact": "primary point of contact",
}


@transaction.atomic
def site_update(*, site: Site, actor, **fields) -> Site:
    """Change a site's profile fields (not its phase or liaison, which have their own services)."""
    allowed = {
        "usao_district", "engagement_level", "start_date", "expected_end_date",
        "summary", "internal_notes", "cohort_year",
    }  # fmt: skip
    focus_areas = fields.pop("focus_areas", None)
    unknown = set(fields) - allowed
    if unknown:
        raise SiteError(_("These fields cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    site = Site.objects.select_for_update().get(pk=site.pk)
    for name, value in fields.items():
        setattr(site, name, value)
    if site.engagement_level and site.cohort_year not in (2017, 2018):
        raise SiteError(_("Only 2017 and 2018 sites have an engagement level."))
    if site.expected_end_date < site.start_date:
        raise SiteError(_("The expected end must not be before the start date."))
    clash = Site.objects.filter(jurisdiction_id=site.jurisdiction_id, cohort_year=site.cohort_year)
    if clash.exclude(pk=site.pk).exists():
        raise SiteError(
            _("This jurisdiction already has a site in the %s cohort.") % site.cohort_year
        )
    site._history_user = actor
    site.save()
    if focus_areas is not None:
        site_set_focus_areas(site=site, focus_areas=focus_areas, actor=actor)
    return site


@transaction.atomic
def site_set_focus_areas(*, site: Site, focus_areas, actor) -> list[str]:
    """Make the site's focus areas exactly `focus_areas`."""
    wanted = set(_check_focus_areas(focus_areas))
    current = {row.focus_area: row for row in site.focus_area_rows.all()}
    for value, row in current.items():
        if value not in wanted:
            row._history_user = actor
            row.delete()
    for value in wanted - set(current):
        row = SiteFocusArea(site=site, focus_area=value)
        row._history_user = actor
        row.save()
    return sorted(wanted)


@transaction.atomic
def site_change_phase(
    *, site: Site, phase: str, actor, started_on: datetime.date | None = None, note: str = ""
) -> Site:
    """Move the site to another phase, recording the date it began."""
    # Lock so two admins moving the phase at once cannot both pass the guard.
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not site.can_move_to(phase):
        raise SiteError(
            _("A site in %(from)s cannot move to %(to)s.")
            % {"from": site.get_phase_display(), "to": Site.Phase(phase).label}
            if phase in Site.Phase.values
            else _("Unknown phase.")
        )
    started_on = started_on or timezone.localdate()
    if started_on < site.phase_started_on:
        raise SiteError(_("A phase cannot begin before the current phase began."))
    site.phase = phase
    site.phase_started_on = started_on
    site._history_user = actor
    site.save(update_fields=["phase", "phase_started_on", "updated_at"])
    row = SitePhase(site=site, phase=phase, started_on=started_on, note=note, recorded_by=actor)
    row._history_user = actor
    row.save()
    return site


@transaction.atomic
def site_assign_liaison(
    *, site: Site, liaison, actor, started_on: datetime.date | None = None
) -> SiteLiaisonAssignment:
    """Make `liaison` the site's Strategic Site Liaison, closing the previous assignment."""
    if not liaison.has_perm("engagements.log_engagement"):
        raise SiteError(_("%s does not hold the Site liaison role.") % liaison)
    # Lock the site: two concurrent assignments would otherwise both close the same row.
    site = Site.objects.select_for_update().get(pk=site.pk)
    started_on = started_on or timezone.localdate()
    current = site.liaison_assignments.filter(ended_on__isnull=True).first()
    if current is not None:
        if current.liaison_id == liaison.pk:
            return current
        if started_on < current.started_on:
            raise SiteError(_("The new assignment cannot start before the current one."))
        current.ended_on = started_on
        current._history_user = actor
        current.save(update_fields=["ended_on"])
    assignment = SiteLiaisonAssignment(
        site=site, liaison=liaison, started_on=started_on, assigned_by=actor
    )
    assignment._history_user = actor
    assignment.save()
    site.liaison = liaison
    site._history_user = actor
    site.save(update_fields=["liaison", "updated_at"])
    return assignment


@transaction.atomic
def site_end_liaison(*, site: Site, actor, ended_on: datetime.date | None = None) -> None:
    """Leave the site without a liaison (the assignment history keeps who it was)."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    ended_on = ended_on or timezone.localdate()
    for assignment in site.liaison_assignments.filter(ended_on__isnull=True):
        assignment.ended_on = ended_on
        assignment._history_user = actor
        assignment.save(update_fields=["ended_on"])
    site.liaison = None
    site._history_user = actor
    site.save(update_fields=["liaison", "updated_at"])


@transaction.atomic
def team_member_save(
    *, site: Site, actor, member: TeamMember | None = None, **fields
) -> TeamMember:
    """Add a person to the team roster, or change one."""
    member = member or TeamMember(site=site)
    if member.site_id != site.pk:
        raise SiteError(_("That person is on another site's team."))
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member._history_user = actor
    member.save()
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor) -> None:
    member._history_user = actor
    member.delete()


@transaction.atomic
def goal_save(*, site: Site, actor, goal: Goal | None = None, **fields) -> Goal:
    """Add a strategic-plan goal, or change its title, target date or status."""
    goal = goal or Goal(site=site)
    if goal.site_id != site.pk:
        raise SiteError(_("That goal belongs to another site."))
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.full_clean()
    goal._history_user = actor
    goal.save()
    return goal


@transaction.atomic
def goal_remove(*, goal: Goal, actor) -> None:
    goal._history_user = actor
    goal.delete()


@transaction.atomic
def site_withdraw(*, site: Site, reason: str, actor, on: datetime.date | None = None) -> Site:
    """End a site before graduation ("withdrawn"), with the reason; its history stays.

    A withdrawn site leaves the site list, the state map and the program report
    (`Site.objects.in_program()`), and takes no further phase change."""
    reason = (reason or "").strip()
    if not reason:
        raise SiteError(_("Give the reason for withdrawing the site."))
    # Lock so a phase change and a withdrawal at the same moment cannot both apply.
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not site.can_withdraw:
        raise SiteError(_("A %s site cannot be withdrawn.") % site.get_phase_display().lower())
    on = on or timezone.localdate()
    site.phase, site.phase_started_on = Site.Phase.WITHDRAWN, max(on, site.phase_started_on)
    site.withdrawn_on, site.withdrawal_reason = on, reason
    site._history_user = actor
    site.save(
        update_fields=[
            "phase",
            "phase_started_on",
            "withdrawn_on",
            "withdrawal_reason",
            "updated_at",
        ]
    )
    row = SitePhase(
        site=site,
        phase=Site.Phase.WITHDRAWN,
        started_on=site.phase_started_on,
        note=reason[:300],
        recorded_by=actor,
    )
    row._history_user = actor
    row.save()
    return site


@transaction.atomic
def site_reinstate(*, site: Site, actor) -> Site:
    """Bring a withdrawn site back to assessment (its SOI was selected again)."""
    site = Site.objects.select_for_update().get(pk=site.pk)
    if not site.is_withdrawn:
        return site
    today = max(timezone.localdate(), site.phase_started_on)
    site.phase, site.phase_started_on = Site.Phase.ASSESSMENT, today
    site.withdrawn_on, site.withdrawal_reason = None, ""
    site._history_user = actor
    site.save(
        update_fields=[
            "phase",
            "phase_started_on",
            "withdrawn_on",
            "withdrawal_reason",
            "updated_at",
        ]
    )
    row = SitePhase(
        site=site,
        phase=Site.Phase.ASSESSMENT,
        started_on=today,
        note="Selected again.",
        recorded_by=actor,
    )
    row._history_user = actor
    row.save()
    return site
