"""Scheduled mail: deadline reminders, review due dates and the digests.

Celery beat runs each `*_send` function (CELERY_BEAT_SCHEDULE). Days are counted in
Eastern Time, the zone the program announces deadlines in, so a reminder falls on
the right calendar day on both sides of a daylight-saving change. Each reminder is
claimed in the `SentReminder` ledger before it is queued, so a second beat run, a
redelivered task or two workers at once send it once.
"""

import datetime
import logging
from collections import defaultdict
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from .kinds import IMMEDIATE
from .models import SentReminder
from .services import absolute_url, delivery_for, email_queue

logger = logging.getLogger(__name__)

EASTERN = ZoneInfo("America/New_York")
DEADLINE_REMINDER_DAYS = (14, 3, 1)
REVIEW_REMINDER_DAYS = (3, 0)
DIGEST_DAYS_AHEAD = 7
IDLE_DAYS = 60
DIGEST_LIST_LIMIT = 20
MONDAY = 0


def eastern_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, EASTERN).date()


def eastern_text(moment: datetime.datetime) -> str:
    """'Saturday, April 18, 2026 at 11:59 p.m. Eastern Daylight Time (EDT)'."""
    local = timezone.localtime(moment, EASTERN)
    hour = local.strftime("%-I:%M")
    meridiem = "a.m." if local.hour < 12 else "p.m."
    zone = local.tzname()
    name = "Eastern Daylight Time" if zone == "EDT" else "Eastern Standard Time"
    return f"{local:%A, %B} {local.day}, {local.year} at {hour} {meridiem} {name} ({zone})"


def remind_once(
    *, user, kind: str, subject_key: str, for_date: datetime.date, occasion: str, **mail
) -> bool:
    """Claim the ledger row, then queue the mail; False when already sent or turned off."""
    if delivery_for(user, kind) != IMMEDIATE:
        return False
    try:
        with transaction.atomic():
            # The unique (user, kind, about, day) row is the claim: a duplicate run
            # fails here and rolls back its mail with it.
            reminder = SentReminder.objects.create(
                user=user, kind=kind, subject_key=subject_key, for_date=for_date, occasion=occasion
            )
            email = email_queue(kind=kind, to=user, **mail)
            reminder.email = email
            reminder.save(update_fields=["email"])
    except IntegrityError:
        return False
    return True


# --- applicants: deadline reminders -----------------------------------------------------------


def deadline_reminders_send(*, now=None) -> int:
    """Mail every member of a jurisdiction whose SOI is still a draft, 14, 3 and 1 days
    (Eastern calendar days) before its cycle closes. Returns the number queued."""
    from accounts.models import User
    from applications.models import Application, Cycle
    from applications.sections import COMPLETE, application_progress, with_sections

    now = now or timezone.now()
    today = eastern_date(now)
    sent = 0
    for cycle in Cycle.objects.filter(opens_at__lte=now, closes_at__gt=now):
        days_left = (eastern_date(cycle.closes_at) - today).days
        if days_left not in DEADLINE_REMINDER_DAYS:
            continue
        drafts = list(
            with_sections(Application.objects.filter(cycle=cycle, status=Application.Status.DRAFT))
        )
        members = defaultdict(list)
        for user in User.objects.filter(
            jurisdiction__in=[d.jurisdiction_id for d in drafts], is_active=True
        ).order_by("email"):
            members[user.jurisdiction_id].append(user)
        closes = eastern_text(cycle.closes_at)
        for application in drafts:
            incomplete = [
                s for s in application_progress(application, with_urls=False) if s.state != COMPLETE
            ]
            context = {
                "application": application,
                "cycle": cycle,
                "days_left": days_left,
                "closes": closes,
                "incomplete": incomplete,
                "url": absolute_url(reverse("applications:detail", args=[application.pk])),
            }
            left = "1 day" if days_left == 1 else f"{days_left} days"
            subject = f"[PSP Portal] {left} left: {cycle.name} closes {closes}"
            for user in members[application.jurisdiction_id]:
                sent += remind_once(
                    user=user,
                    kind="deadline_reminder",
                    subject_key=f"application:{application.pk}",
                    for_date=today,
                    occasion=f"{left} before the cycle closes",
                    subject=subject,
                    template="notifications/email/deadline_reminder",
                    context=context,
                )
    return sent


# --- reviewers ----------------------------------------------------------------------------


def open_assignments():
    """Assignments still waiting for a submitted review on an SOI still under review."""
    from applications.models import Application
    from reviews.models import ConflictDeclaration, Decision, Review, ReviewAssignment

    conflicted = ConflictDeclaration.objects.filter(
        application=OuterRef("application"), reviewer=OuterRef("reviewer"), has_conflict=True
    )
    decided = Decision.objects.filter(application=OuterRef("application"), reversed_at=None)
    return (
        ReviewAssignment.objects.filter(
            application__status=Application.Status.SUBMITTED, reviewer__is_active=True
        )
        .exclude(review__status=Review.Status.SUBMITTED)
        .exclude(Exists(conflicted))
        .exclude(Exists(decided))
    )


def overdue_assignments(*, today=None):
    """Open assignments past their due date, oldest first (the official's queue shows them)."""
    today = today or eastern_date(timezone.now())
    return (
        open_assignments()
        .filter(due_date__lt=today)
        # The jurisdictions in a second query, only when some review is overdue: joined
        # here, they doubled the time PostgreSQL took to plan this query (2 ms against 1,
        # on every queue page; issue 20).
        .select_related("reviewer", "application")
        .prefetch_related("application__jurisdiction")
        # Not the frozen copy of the SOI made at submission: the box names the SOI only.
        .defer("application__snapshot")
        .order_by("due_date", "pk")
    )


class OverdueReview(NamedTuple):
    """What the official's queue shows of an overdue review."""

    pk: int  # the assignment's
    application_id: int
    reference_number: str
    jurisdiction: str
    reviewer: str
    due_date: datetime.date


# overdue_assignments' SQL, per database and number of rows, with the position of its one
# date parameter. Building it (three joins, two EXISTS, fifty columns) took 2.6 ms of CPU
# on every official's queue page, running it 0.2 (issue 20); its shape never changes.
_OVERDUE_SQL: dict[tuple, tuple[str, list, int]] = {}
_STAND_IN_DAY = datetime.date(1, 1, 2)  # no assignment is due then: found once in params


def _overdue_sql(limit: int) -> tuple[str, list, int]:
    key = (connection.alias, connection.vendor, limit)
    if key not in _OVERDUE_SQL:
        queryset = overdue_assignments(today=_STAND_IN_DAY).values_list(
            "pk", "application_id", "application__reference_number",
            "application__jurisdiction_id", "reviewer__full_name", "reviewer__email", "due_date",
        )[:limit]  # fmt: skip
        sql, params = queryset.query.sql_with_params()
        stand_in = connection.ops.adapt_datefield_value(_STAND_IN_DAY)
        if list(params).count(stand_in) != 1:
            raise ValueError("overdue_assignments must take the day as its one date parameter")
        _OVERDUE_SQL[key] = (sql, list(params), list(params).index(stand_in))
    return _OVERDUE_SQL[key]


def overdue_reviews(*, limit: int, today=None) -> list[OverdueReview]:
    """The first `limit` of `overdue_assignments`, oldest due first: their SQL built once
    per process, their jurisdictions' names in a second query when there are any."""
    from accounts.models import Jurisdiction

    sql, params, day_at = _overdue_sql(limit)
    params = params.copy()
    params[day_at] = connection.ops.adapt_datefield_value(today or eastern_date(timezone.now()))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    # Not joined in the SQL above: PostgreSQL took twice as long to plan it with them.
    names = dict(
        Jurisdiction.objects.filter(pk__in={row[3] for row in rows}).values_list("pk", "name")
    )
    return [
        OverdueReview(
            pk=pk,
            application_id=soi,
            reference_number=reference,
            jurisdiction=names[jurisdiction],
            reviewer=full_name or email,  # as User.__str__ names a person
            # SQLite returns a date as text when no field converts it.
            due_date=datetime.date.fromisoformat(due) if isinstance(due, str) else due,
        )
        for pk, soi, reference, jurisdiction, full_name, email, due in rows
    ]


def review_due_reminders_send(*, now=None) -> int:
    """Remind reviewers 3 days before a review is due and on the day. Returns the number queued."""
    now = now or timezone.now()
    today = eastern_date(now)
    days = {today + datetime.timedelta(days=n): n for n in REVIEW_REMINDER_DAYS}
    assignments = (
        open_assignments()
        .filter(due_date__in=list(days))
        .select_related("reviewer", "application__jurisdiction", "application__cycle")
        .order_by("reviewer", "due_date", "pk")
    )
    sent = 0
    for assignment in assignments:
        n = days[assignment.due_date]
        when = "today" if n == 0 else f"in {n} days"
        application = assignment.application
        sent += remind_once(
            user=assignment.reviewer,
            kind="review_due",
            subject_key=f"assignment:{assignment.pk}",
            for_date=today,
            occasion=f"review due {when}",
            subject=f"[PSP Portal] Review due {when}: {application.reference_number} "
            f"{application.jurisdiction}",
            template="notifications/email/review_due",
            context={
                "assignment": assignment,
                "application": application,
                "when": when,
                "due": assignment.due_date,
                "url": absolute_url(reverse("reviews:application", args=[application.pk])),
            },
        )
    return sent


def reviewer_digests_send(*, now=None) -> int:
    """Each reviewer's open reviews, soonest due first; none to a reviewer with nothing open."""
    now = now or timezone.now()
    today = eastern_date(now)
    week_ago = now - datetime.timedelta(days=7)
    by_reviewer = defaultdict(list)
    rows = (
        open_assignments()
        .select_related("reviewer", "application__jurisdiction")
        .order_by("reviewer", "due_date", "pk")
    )
    for assignment in rows:
        assignment.is_overdue = assignment.due_date is not None and assignment.due_date < today
        assignment.is_new = assignment.assigned_at >= week_ago
        by_reviewer[assignment.reviewer].append(assignment)
    sent = 0
    for reviewer, assignments in by_reviewer.items():
        overdue = sum(a.is_overdue for a in assignments)
        subject = f"[PSP Portal] Your reviews this week: {len(assignments)} open"
        if overdue:
            subject += f", {overdue} overdue"
        sent += remind_once(
            user=reviewer,
            kind="reviewer_digest",
            subject_key="digest",
            for_date=today,
            occasion="weekly review digest",
            subject=subject,
            template="notifications/email/reviewer_digest",
            context={
                "assignments": assignments,
                "overdue": overdue,
                "today": today,
                "queue_url": absolute_url(reverse("reviews:queue")),
                "site_url": absolute_url(""),
            },
        )
    return sent


def review_assigned_notify(*, assignment) -> None:
    """Tell a reviewer about a new assignment (unless they chose the weekly digest)."""
    application = assignment.application
    email_queue(
        kind="review_assigned",
        to=assignment.reviewer,
        subject=f"[PSP Portal] New review: {application.reference_number} {application.jurisdiction}",
        template="notifications/email/review_assigned",
        context={
            "assignment": assignment,
            "application": application,
            "url": absolute_url(reverse("reviews:application", args=[application.pk])),
        },
    )


# --- liaisons and program admins ---------------------------------------------------------


def _idle_sites(sites, today: datetime.date) -> list:
    """Sites (not graduated) with no delivered engagement in IDLE_DAYS, each with `idle_since`."""
    from engagements.stats import with_year_figures
    from sites.models import Site

    cutoff = today - datetime.timedelta(days=IDLE_DAYS)
    idle = []
    rows = with_year_figures(
        sites.exclude(phase=Site.Phase.GRADUATED).select_related("jurisdiction", "liaison"),
        year=today.year,
    ).order_by("jurisdiction__name", "pk")
    for site in rows:
        # A site with no delivery yet counts from its start.
        site.idle_since = site.last_engagement_on or site.start_date
        if site.idle_since < cutoff:
            site.newly_idle = site.idle_since == cutoff - datetime.timedelta(days=1)
            idle.append(site)
    return idle


def liaison_digests_send(*, now=None) -> int:
    """Each liaison's day: follow-ups due within 7 days or overdue, engagements planned in
    the next 7 days, idle sites (on Mondays, and on the day a site becomes idle).
    Nothing is sent to a liaison with nothing to report."""
    from engagements.models import Engagement, FollowUpAction
    from sites.models import Site

    now = now or timezone.now()
    today = eastern_date(now)
    ahead = today + datetime.timedelta(days=DIGEST_DAYS_AHEAD)
    content = defaultdict(lambda: {"follow_ups": [], "engagements": [], "idle": []})
    follow_ups = (
        FollowUpAction.objects.filter(
            done=False, due_date__lte=ahead, engagement__site__liaison__isnull=False
        )
        .exclude(engagement__status=Engagement.Status.CANCELLED)
        .select_related("engagement__site__jurisdiction", "engagement__site__liaison")
        .order_by("due_date", "pk")
    )
    for action in follow_ups:
        action.is_overdue = action.due_date < today
        content[action.engagement.site.liaison]["follow_ups"].append(action)
    planned = (
        Engagement.objects.filter(
            status=Engagement.Status.PLANNED,
            start_date__gte=today,
            start_date__lte=ahead,
            site__liaison__isnull=False,
        )
        .select_related("site__jurisdiction", "site__liaison")
        .order_by("start_date", "pk")
    )
    for engagement in planned:
        content[engagement.site.liaison]["engagements"].append(engagement)
    # Idle sites do not change from day to day: a daily line about them would be noise,
    # so they come on Mondays and on the day a site crosses the line.
    for site in _idle_sites(Site.objects.filter(liaison__isnull=False), today):
        if today.weekday() == MONDAY or site.newly_idle:
            content[site.liaison]["idle"].append(site)
    sent = 0
    for liaison, lists in content.items():
        if not liaison.is_active:
            continue
        overdue = sum(a.is_overdue for a in lists["follow_ups"])
        parts = []
        if lists["follow_ups"]:
            parts.append(
                f"{len(lists['follow_ups'])} follow-up{'s' if len(lists['follow_ups']) != 1 else ''}"
            )
        if overdue:
            parts.append(f"{overdue} overdue")
        if lists["engagements"]:
            parts.append(
                f"{len(lists['engagements'])} engagement{'s' if len(lists['engagements']) != 1 else ''} this week"
            )
        if lists["idle"]:
            parts.append(f"{len(lists['idle'])} idle site{'s' if len(lists['idle']) != 1 else ''}")
        sent += remind_once(
            user=liaison,
            kind="liaison_digest",
            subject_key="digest",
            for_date=today,
            occasion="daily site digest",
            subject=f"[PSP Portal] Your sites on {today:%A, %B} {today.day}: {', '.join(parts)}",
            template="notifications/email/liaison_digest",
            context={
                **lists,
                "today": today,
                "ahead": ahead,
                "idle_days": IDLE_DAYS,
                "workspace_url": absolute_url(reverse("sites:workspace")),
                "site_url": absolute_url(""),
            },
        )
    return sent


def admin_digests_send(*, now=None) -> int:
    """The week for program admins: new SOIs, decisions waiting for release, failed reports
    and idle sites. Nothing is sent in a week with none of them."""
    from accounts import roles
    from accounts.models import User
    from applications.models import Application
    from reports.models import Report
    from reviews.models import Decision
    from sites.models import Site

    now = now or timezone.now()
    today = eastern_date(now)
    since = now - datetime.timedelta(days=7)
    new_sois = Application.objects.filter(submitted_at__gte=since).select_related(
        "jurisdiction", "cycle"
    )
    pending = Decision.objects.filter(released_at=None, reversed_at=None).select_related(
        "application__jurisdiction"
    )
    failed = Report.objects.filter(status=Report.Status.FAILED, finished_at__gte=since)
    idle = _idle_sites(Site.objects.all(), today)
    context = {
        "today": today,
        "new_sois": list(new_sois.order_by("submitted_at", "pk")[:DIGEST_LIST_LIMIT]),
        "new_soi_count": new_sois.count(),
        "pending": list(pending.order_by("decided_at", "pk")[:DIGEST_LIST_LIMIT]),
        "pending_count": pending.count(),
        "failed": list(failed.order_by("-finished_at", "-pk")[:DIGEST_LIST_LIMIT]),
        "failed_count": failed.count(),
        "idle": idle[:DIGEST_LIST_LIMIT],
        "idle_count": len(idle),
        "idle_days": IDLE_DAYS,
        "limit": DIGEST_LIST_LIMIT,
        "slate_url": absolute_url(reverse("reviews:slate_index")),
        "program_url": absolute_url(reverse("sites:program")),
        "site_url": absolute_url(""),
    }
    counts = ("new_soi_count", "pending_count", "failed_count", "idle_count")
    if not any(context[name] for name in counts):
        return 0
    summary = (
        f"{context['new_soi_count']} new SOIs, {context['pending_count']} decisions to release, "
        f"{context['failed_count']} failed reports, {context['idle_count']} idle sites"
    )
    admins = User.objects.filter(is_active=True, groups__name=roles.PROGRAM_ADMIN).distinct()
    sent = 0
    for admin in admins.order_by("email"):
        sent += remind_once(
            user=admin,
            kind="admin_digest",
            subject_key="digest",
            for_date=today,
            occasion="weekly program digest",
            subject=f"[PSP Portal] Program week of {today:%B} {today.day}: {summary}",
            template="notifications/email/admin_digest",
            context=context,
        )
    return sent
