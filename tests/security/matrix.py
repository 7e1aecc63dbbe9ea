"""Machinery of the permission matrix: principals, the world they act on, URL enumeration,
and how a response is classified. The expected results live in matrix_table.py.

Every URL pattern the resolver knows (portal, allauth, admin) is requested by every
principal with GET and with an empty POST. Each request runs inside a savepoint that is
rolled back, so a POST that succeeds (a withdrawal, a sign-out) changes nothing for the
next request, and the order of requests does not matter.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts import roles
from accounts.models import SecurityEvent
from api.services import api_token_create
from applications.factories_support import pdf_bytes
from applications.models import JurisdictionInvitation, SignatureRequest
from applications.services.signatures import token_sha256
from engagements.models import Attachment, FollowUpAction, ImportJob, NarrativeUpdate
from notifications.models import Email, SentReminder
from notifications.services import unsubscribe_token
from outcomes.models import OutcomeDueDate, OutcomeImport, OutcomeYear
from reports.models import Report
from reviews.models import ConflictDeclaration, Decision, Review, ReviewAssignment
from sites.models import Goal, TeamMember
from tests.conftest import make_staff
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CycleFactory,
    EngagementFactory,
    NationalCrimeRateFactory,
    SiteFactory,
    UserFactory,
)

# Column order of every row in matrix_table.MATRIX.
PRINCIPALS = (
    "anon",  # not signed in
    "app_a",  # applicant of jurisdiction A (owns the SOIs, the site's jurisdiction)
    "app_b",  # applicant of jurisdiction B
    "rev_assigned",  # reviewer assigned to A's SOI, declared no conflict
    "rev_unassigned",  # reviewer not assigned to it
    "rev_conflicted",  # reviewer assigned, declared a conflict
    "rev_undeclared",  # reviewer assigned, has not declared yet
    "official",  # selecting official
    "liaison_own",  # liaison of A's site
    "liaison_other",  # liaison of another site
    "padmin",  # program admin (not a superuser)
    "nototp",  # a reviewer who has not enrolled an authenticator yet
    # The chief legal officer of A (issue 12): an account attached to jurisdiction A
    # with no role, holding an opened, pending signature request for A's draft SOI.
    "certifier",
)

# Outcome codes used in the table.
OK = "ok"  # 2xx, 400 (a form refusing empty input), or a redirect that is not a refusal
LOGIN = "login"  # redirect to the sign-in page (portal's or the admin's)
MFA = "mfa"  # redirect to the authenticator enrolment page
DENY_403 = "403"
DENY_404 = "404"
NOT_ALLOWED = "405"  # method not allowed (says nothing about the object)
# The read API (api/) answers problem+json instead of redirecting: 401 with a Bearer
# challenge to a caller without credentials (its "login"); 403/404 as the pages do.
UNAUTHENTICATED = "401"
# A signing link that is unknown, used or expired, shown to a visitor not signed in.
GONE = "410"
CODES = {OK, LOGIN, MFA, DENY_403, DENY_404, NOT_ALLOWED, UNAUTHENTICATED, GONE}


def classify(response) -> str:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(reverse("account_login")) or location.startswith(
            reverse("admin:login")
        ):
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return MFA
        return OK
    if status in (403, 404, 405):
        return str(status)
    if status < 300 or status == 400:
        return OK
    return str(status)


# ---------------------------------------------------------------------------- URLs
@dataclass(frozen=True)
class Route:
    key: str  # the URL name with namespaces, or "route:<pattern>" for an unnamed one
    pattern: str
    converters: tuple[str, ...] = field(default=())


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    key = f"route:{pattern}"
                names = tuple(entry.pattern.regex.groupindex)
                routes.append(Route(key, pattern, names))

    walk(get_resolver().url_patterns, "/", None)
    return routes


# ---------------------------------------------------------------------------- world
class World:
    """Every principal and every object a URL can point at."""

    def __init__(self):
        self.app_a = ApplicantFactory()
        self.app_b = ApplicantFactory()
        self.jurisdiction_a = self.app_a.jurisdiction
        cycle_draft, cycle_submitted = CycleFactory(), CycleFactory()
        self.cycle = cycle_draft
        self.rate = NationalCrimeRateFactory()
        self.draft_a = ApplicationFactory(
            cycle=cycle_draft, jurisdiction=self.jurisdiction_a, created_by=self.app_a
        )
        self.submitted_a = ApplicationFactory(
            cycle=cycle_submitted,
            jurisdiction=self.jurisdiction_a,
            created_by=self.app_a,
            submitted=True,
        )
        self.draft_b = ApplicationFactory(
            cycle=cycle_draft, jurisdiction=self.app_b.jurisdiction, created_by=self.app_b
        )
        self.letter_a = self.submitted_a.letters.first()
        self.draft_letter_a = self.draft_a.letters.create(
            kind="chief_executive",
            file=ContentFile(pdf_bytes(), name="letter.pdf"),
            original_name="letter.pdf",
            sha256="0" * 64,
            size_bytes=100,
            uploaded_by=self.app_a,
        )
        self.invitation = JurisdictionInvitation.objects.create(
            jurisdiction=self.jurisdiction_a,
            email="invited@example.gov",
            token="matrix-invitation-token",
            invited_by=self.app_a,
            expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3),
        )

        # The certifying official: A's jurisdiction on the account but no role (only the
        # capacity the opened request gives), so the matrix proves that belonging to a
        # jurisdiction opens nothing of it without the applicant permission.
        self.certifier = UserFactory(
            email="counsel@city-a.example.gov", full_name="Pat Counsel", roles=[]
        )
        self.certifier.jurisdiction = self.jurisdiction_a
        self.certifier.save(update_fields=["jurisdiction"])
        self.signing_token = "matrix-signing-token"
        self.signing = SignatureRequest.objects.create(
            application=self.draft_a,
            officer_name="Pat Counsel",
            officer_title="City Attorney",
            officer_email=self.certifier.email,
            token_sha256=token_sha256(self.signing_token),
            requested_by=self.app_a,
            status=SignatureRequest.Status.OPENED,
            opened_at=timezone.now(),
            signer=self.certifier,
        )

        self.rev_assigned = make_staff(roles.REVIEWER)
        self.rev_unassigned = make_staff(roles.REVIEWER)
        self.rev_conflicted = make_staff(roles.REVIEWER)
        self.rev_undeclared = make_staff(roles.REVIEWER)
        self.official = make_staff(roles.SELECTING_OFFICIAL)
        self.liaison_own = make_staff(roles.SITE_LIAISON)
        self.liaison_other = make_staff(roles.SITE_LIAISON)
        self.padmin = make_staff(roles.PROGRAM_ADMIN)
        self.nototp = UserFactory(roles=[roles.REVIEWER])
        assert not Authenticator.objects.filter(user=self.nototp).exists()

        assigned = {}
        for reviewer in (self.rev_assigned, self.rev_conflicted, self.rev_undeclared):
            assigned[reviewer.pk] = ReviewAssignment.objects.create(
                application=self.submitted_a, reviewer=reviewer, assigned_by=self.official
            )
        ConflictDeclaration.objects.create(
            application=self.submitted_a, reviewer=self.rev_assigned, has_conflict=False
        )
        ConflictDeclaration.objects.create(
            application=self.submitted_a,
            reviewer=self.rev_conflicted,
            has_conflict=True,
            explanation="My spouse works for the city.",
        )
        self.review = Review.objects.create(assignment=assigned[self.rev_assigned.pk])

        # A decided SOI of a third jurisdiction (so A's SOI stays open for review).
        decided = ApplicationFactory(cycle=cycle_submitted, submitted=True)
        self.decision = Decision.objects.create(
            application=decided,
            outcome=Decision.Outcome.NOT_SELECTED,
            rationale="Below the violent-crime threshold.",
            decided_by=self.official,
        )

        self.site_a = SiteFactory(jurisdiction=self.jurisdiction_a, liaison=self.liaison_own)
        self.site_other = SiteFactory(liaison=self.liaison_other)
        self.engagement = EngagementFactory(site=self.site_a)
        self.follow_up = FollowUpAction.objects.create(
            engagement=self.engagement,
            description="Send the agenda",
            owner="BJA",
            due_date=datetime.date(2025, 4, 1),
        )
        self.attachment = Attachment.objects.create(
            engagement=self.engagement,
            uuid=uuid.uuid4(),
            file=ContentFile(pdf_bytes(), name="agenda.pdf"),
            original_name="agenda.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size_bytes=100,
            uploaded_by=self.liaison_own,
        )
        self.narrative = NarrativeUpdate.objects.create(
            site=self.site_a, year=2025, half=1, narrative="Progress."
        )
        TeamMember.objects.create(site=self.site_a, role="executive", name="Mayor Tate")
        Goal.objects.create(site=self.site_a, title="Reduce shootings")
        self.report = Report.objects.create(kind="program_report", requested_by=self.padmin)
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.ADMIN_REFUSED, actor=self.padmin, detail="matrix world"
        )
        # A's receipt that failed: program admins may ask for it again, its requester may not.
        self.report_a = Report.objects.create(
            kind="soi_packet",
            params={"application_id": self.submitted_a.pk},
            requested_by=self.app_a,
            status=Report.Status.FAILED,
        )
        # Outcome figures of A's site for last year (still editable: status "due").
        self.outcome_year = timezone.localdate().year - 1
        self.outcome = OutcomeYear.objects.create(site=self.site_a, year=self.outcome_year)
        # Rows for the admin's object URLs of the new apps (the admin redirects to its index
        # for a missing object, which would hide whether the page refuses the principal).
        OutcomeDueDate.objects.create(
            year=self.outcome_year, due_on=datetime.date(2026, 6, 30), set_by=self.padmin
        )
        email = Email.objects.create(
            kind="deadline_reminder",
            user=self.app_a,
            to=self.app_a.email,
            subject="Your Statement of Interest is still a draft",
            text_body="Reminder.",
            html_body="<p>Reminder.</p>",
        )
        SentReminder.objects.create(
            user=self.app_a,
            kind="deadline_reminder",
            subject_key=f"cycle:{self.cycle.pk}",
            for_date=datetime.date(2026, 1, 5),
            email=email,
        )
        self.outcome_import = OutcomeImport.objects.create(
            content="site_id,year\n", file_name="figures.csv", created_by=self.padmin
        )
        self.import_job = ImportJob.objects.create(
            uploaded_by=self.liaison_own, original_name="engagements.csv"
        )
        self.api_token, _secret = api_token_create(
            user=self.rev_assigned,
            name="matrix",
            scopes=["sites"],
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
            actor=self.rev_assigned,
        )
        # An unsubscribe link of app_a's mail (a kind that can be turned off).
        self.unsubscribe_token = unsubscribe_token(self.app_a, "deadline_reminder")

    def user(self, principal: str):
        return None if principal == "anon" else getattr(self, principal)

    def admin_object_id(self, model_label: str) -> str:
        """The pk of some row of `model_label` for the admin's object URLs."""
        from django.apps import apps

        model = apps.get_model(model_label)
        if model_label == "auth.group":
            return str(Group.objects.get(name=roles.APPLICANT).pk)
        if model_label == "accounts.user":
            return str(self.app_a.pk)  # below a program admin
        row = model._default_manager.order_by("pk").first()
        return str(row.pk) if row else "999999"

    def admin_history_id(self, model_label: str) -> str:
        from django.apps import apps

        model = apps.get_model(model_label)
        history = getattr(model, "history", None)
        if history is None:
            return "1"
        # The history table's own pk is history_id; the tracked row's pk is a plain column.
        object_pk = model._meta.pk.attname
        row = history.filter(**{object_pk: self.admin_object_id(model_label)}).order_by(
            "-history_id"
        )
        first = row.first()
        return str(first.history_id) if first else "999999"


ADMIN_NAME = re.compile(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(?P<action>[a-z_]+)$")


def admin_kwargs(route: Route, world: World) -> dict | None:
    """Kwargs for an admin URL, derived from its name (app_model_action) and its converters."""
    from django.contrib import admin

    by_prefix = {
        f"{m._meta.app_label}_{m._meta.model_name}": m._meta.label_lower
        for m in admin.site._registry
    }
    if route.key == "admin:app_list":
        return {"app_label": "accounts"}
    if route.key == "admin:view_on_site":
        return {"content_type_id": "1", "object_id": "1"}
    if route.key == "admin:auth_user_password_change":
        return {"id": str(world.app_a.pk)}
    name = route.key.removeprefix("admin:")
    label = next((lbl for prefix, lbl in by_prefix.items() if name.startswith(prefix + "_")), None)
    if label is None and route.converters:
        return None
    if name.endswith("_simple_history"):
        # django-simple-history's pattern has positional groups: (object id, history id).
        return [world.admin_object_id(label), world.admin_history_id(label)]
    kwargs = {}
    for converter in route.converters:
        if converter == "object_id":
            kwargs["object_id"] = world.admin_object_id(label)
        elif converter == "version_id":
            kwargs["version_id"] = world.admin_history_id(label)
        elif converter == "app_label":
            kwargs["app_label"] = "accounts"
        elif converter == "url":
            kwargs["url"] = "no-such-page/"
        elif converter in ("content_type_id", "object_id"):
            kwargs[converter] = "1"
        else:
            return None
    return kwargs


# ---------------------------------------------------------------------------- running
@dataclass
class Result:
    key: str
    method: str
    principal: str
    expected: str
    got: str
    url: str


class Runner:
    """Signs each principal in once, then replays its session cookie per request."""

    def __init__(self, client, world: World):
        self.client = client
        self.world = world
        self.sessions: dict[str, str | None] = {}
        for principal in PRINCIPALS:
            user = world.user(principal)
            if user is None:
                self.sessions[principal] = None
                continue
            client.force_login(user)
            self.sessions[principal] = client.cookies[settings.SESSION_COOKIE_NAME].value
            client.cookies.pop(settings.SESSION_COOKIE_NAME)

    def request(self, method: str, url: str, principal: str):
        self.client.cookies.clear()
        key = self.sessions[principal]
        if key is not None:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = key
        cache.clear()  # rate-limit counters must not depend on the order of requests
        with transaction.atomic():
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, {})
            transaction.set_rollback(True)
        return response
