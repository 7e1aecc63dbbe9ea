"""The permission matrix: every endpoint x every role, the pages' rules extended.

Staff call with tokens (all scopes), applicants with their session (they hold no
tokens). Objects outside the caller's scope are 404, as on the pages.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from api.scopes import Scope
from api.services import api_token_revoke
from engagements.models import FollowUpAction
from reports.models import Report
from sites.models import TeamMember
from tests.api.conftest import bearer, make_token
from tests.conftest import make_staff
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CycleFactory,
    EngagementFactory,
    SiteFactory,
)
from tests.outcomes.helpers import verified
from tests.reviews.factories import ReviewFactory, assign

pytestmark = pytest.mark.django_db

ROLES = ["anon", "applicant", "other_applicant", "reviewer", "official", "liaison", "admin"]


@pytest.fixture
def world(db):
    """Two sites (A: the applicant's, liaison L; B: another jurisdiction, liaison M)."""
    w = {}
    w["applicant"] = ApplicantFactory()
    w["other_applicant"] = ApplicantFactory()
    w["reviewer"] = make_staff(roles.REVIEWER)
    w["official"] = make_staff(roles.SELECTING_OFFICIAL)
    w["liaison"] = make_staff(roles.SITE_LIAISON)
    w["other_liaison"] = make_staff(roles.SITE_LIAISON)
    w["admin"] = make_staff(roles.PROGRAM_ADMIN)
    w["site_a"] = SiteFactory(jurisdiction=w["applicant"].jurisdiction, liaison=w["liaison"])
    w["site_b"] = SiteFactory(
        jurisdiction=w["other_applicant"].jurisdiction, liaison=w["other_liaison"]
    )
    w["delivered_a"] = EngagementFactory(site=w["site_a"], delivered=True)
    w["planned_a"] = EngagementFactory(site=w["site_a"], planned=True)
    w["delivered_b"] = EngagementFactory(site=w["site_b"], delivered=True)
    w["follow_up_a"] = FollowUpAction.objects.create(
        engagement=w["delivered_a"], description="Send data", owner="CNA", due_date="2025-04-01"
    )
    w["follow_up_b"] = FollowUpAction.objects.create(
        engagement=w["delivered_b"], description="Call", owner="BJA", due_date="2025-04-01"
    )
    w["outcome_a"] = verified(w["site_a"], 2023, 1700)
    w["outcome_b"] = verified(w["site_b"], 2023, 900)
    cycle = CycleFactory()
    w["soi_assigned"] = ApplicationFactory(cycle=cycle, submitted=True)
    assign(w["soi_assigned"], w["reviewer"])
    w["soi_unassigned"] = ApplicationFactory(cycle=cycle, submitted=True)
    w["soi_conflicted"] = ApplicationFactory(cycle=cycle, submitted=True)
    assign(w["soi_conflicted"], w["reviewer"], conflict=True)
    w["soi_draft"] = ApplicationFactory(cycle=cycle)
    w["report_reviewer"] = Report.objects.create(kind="program_report", requested_by=w["reviewer"])
    w["cycle"] = cycle
    return w


def _call(client, world, role, url):
    client.logout()
    if role == "anon":
        return client.get(url)
    user = world[role]
    if role in ("applicant", "other_applicant"):
        client.force_login(user)  # applicants have no tokens; the session works
        return client.get(url)
    _, raw = make_token(user)
    return client.get(url, **bearer(raw))


# (endpoint, object) -> status per role, in ROLES order.
DETAIL_MATRIX = {
    ("site", "site_a"): [401, 200, 404, 200, 200, 200, 200],
    ("site", "site_b"): [401, 404, 200, 200, 200, 200, 200],
    ("engagement", "delivered_a"): [401, 200, 404, 200, 200, 200, 200],
    ("engagement", "planned_a"): [401, 404, 404, 200, 200, 200, 200],
    ("engagement", "delivered_b"): [401, 404, 200, 200, 200, 200, 200],
    ("follow-up", "follow_up_a"): [401, 404, 404, 200, 200, 200, 200],
    ("soi", "soi_assigned"): [401, 404, 404, 200, 200, 404, 200],
    ("soi", "soi_unassigned"): [401, 404, 404, 404, 200, 404, 200],
    ("soi", "soi_conflicted"): [401, 404, 404, 404, 200, 404, 200],
    ("soi", "soi_draft"): [401, 404, 404, 404, 404, 404, 404],
    # Officials and admins may view program reports (reports.kinds decides, as on the page).
    ("report", "report_reviewer"): [401, 404, 404, 200, 200, 404, 200],
    ("cycle", "cycle"): [200, 200, 200, 200, 200, 200, 200],
    # Whoever reads the site reads its outcome figures (outcomes.access).
    ("outcome", "outcome_a"): [401, 200, 404, 200, 200, 200, 200],
    ("outcome", "outcome_b"): [401, 404, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize(("endpoint", "obj"), list(DETAIL_MATRIX))
def test_detail_matrix(client, world, endpoint, obj):
    url = reverse(f"api:{endpoint}-detail", args=[world[obj].pk])
    got = [_call(client, world, role, url).status_code for role in ROLES]
    assert dict(zip(ROLES, got, strict=True)) == dict(
        zip(ROLES, DETAIL_MATRIX[(endpoint, obj)], strict=True)
    )


# endpoint -> objects listed per role (None: 401).
LIST_MATRIX = {
    "site": {
        "anon": None,
        "applicant": ["site_a"],
        "other_applicant": ["site_b"],
        "reviewer": ["site_a", "site_b"],
        "liaison": ["site_a", "site_b"],
        "admin": ["site_a", "site_b"],
    },
    "engagement": {
        "anon": None,
        "applicant": ["delivered_a"],
        "other_applicant": ["delivered_b"],
        "official": ["delivered_a", "planned_a", "delivered_b"],
    },
    "follow-up": {
        "applicant": [],
        "liaison": ["follow_up_a", "follow_up_b"],
    },
    "soi": {
        "anon": None,
        "applicant": [],
        "reviewer": ["soi_assigned"],
        "liaison": [],
        "official": ["soi_assigned", "soi_unassigned", "soi_conflicted"],
        "admin": ["soi_assigned", "soi_unassigned", "soi_conflicted"],
    },
    "report": {"reviewer": ["report_reviewer"], "official": [], "applicant": []},
    "outcome": {
        "anon": None,
        "applicant": ["outcome_a"],
        "other_applicant": ["outcome_b"],
        "reviewer": ["outcome_a", "outcome_b"],
        "official": ["outcome_a", "outcome_b"],
        "liaison": ["outcome_a", "outcome_b"],
        "admin": ["outcome_a", "outcome_b"],
    },
}


@pytest.mark.parametrize(
    ("endpoint", "role"), [(e, r) for e, roles_ in LIST_MATRIX.items() for r in roles_]
)
def test_list_matrix(client, world, endpoint, role):
    response = _call(client, world, role, reverse(f"api:{endpoint}-list"))
    expected = LIST_MATRIX[endpoint][role]
    if expected is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {world[k].pk for k in expected}


@pytest.fixture
def narrow_liaisons(world):
    """The program's option: liaisons read only their own sites (no `view_any_site`)."""
    group = Group.objects.get(name=roles.SITE_LIAISON)
    group.permissions.remove(Permission.objects.get(codename="view_any_site"))
    return world


@pytest.mark.parametrize(
    ("endpoint", "obj", "status"),
    [
        ("site", "site_a", 200),
        ("site", "site_b", 404),
        ("engagement", "delivered_a", 200),
        ("engagement", "delivered_b", 404),
        ("follow-up", "follow_up_a", 200),
        ("follow-up", "follow_up_b", 404),
        ("outcome", "outcome_a", 200),
        ("outcome", "outcome_b", 404),
    ],
)
def test_liaison_without_view_any_site_gets_404_for_another_liaisons_site(
    client, narrow_liaisons, endpoint, obj, status
):
    url = reverse(f"api:{endpoint}-detail", args=[narrow_liaisons[obj].pk])
    assert _call(client, narrow_liaisons, "liaison", url).status_code == status


SCOPED = {
    "site": Scope.SITES,
    "engagement": Scope.ENGAGEMENTS,
    "follow-up": Scope.ENGAGEMENTS,
    "soi": Scope.SOIS,
    "report": Scope.REPORTS,
    "outcome": Scope.OUTCOMES,
}
DETAIL_OF = {
    "site": "site_a",
    "engagement": "delivered_a",
    "follow-up": "follow_up_a",
    "soi": "soi_assigned",
    "report": "report_reviewer",
    "outcome": "outcome_a",
}


def test_liaison_without_view_any_site_lists_only_their_sites_outcomes(client, narrow_liaisons):
    response = _call(client, narrow_liaisons, "liaison", reverse("api:outcome-list"))
    assert [row["id"] for row in response.json()["results"]] == [narrow_liaisons["outcome_a"].pk]


@pytest.mark.parametrize(("endpoint", "scope"), [(e, s) for e in SCOPED for s in Scope.values])
def test_a_token_reads_an_endpoint_only_with_its_scope(client, world, endpoint, scope):
    _, raw = make_token(world["admin"], scopes=[scope])
    expected = 200 if scope == SCOPED[endpoint] else 403
    for url in (
        reverse(f"api:{endpoint}-list"),
        reverse(f"api:{endpoint}-detail", args=[world[DETAIL_OF[endpoint]].pk]),
    ):
        assert client.get(url, **bearer(raw)).status_code == expected, url


@pytest.mark.parametrize("endpoint", list(SCOPED))
def test_expired_and_revoked_tokens_get_401_on_every_endpoint(client, world, endpoint):
    expired, expired_raw = make_token(world["admin"])
    expired.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    expired.save()
    revoked, revoked_raw = make_token(world["admin"])
    api_token_revoke(token=revoked, actor=world["admin"])
    for url in (
        reverse(f"api:{endpoint}-list"),
        reverse(f"api:{endpoint}-detail", args=[world[DETAIL_OF[endpoint]].pk]),
    ):
        assert client.get(url, **bearer(expired_raw)).status_code == 401, url
        assert client.get(url, **bearer(revoked_raw)).status_code == 401, url


def test_internal_fields_are_null_for_applicants(client, world):
    world["site_a"].internal_notes = "Chief retiring"
    world["site_a"].save()
    url = reverse("api:site-detail", args=[world["site_a"].pk])
    assert _call(client, world, "applicant", url).json()["internal_notes"] is None
    assert _call(client, world, "liaison", url).json()["internal_notes"] == "Chief retiring"


def test_team_phone_numbers_need_the_contacts_scope(client, world):
    TeamMember.objects.create(
        site=world["site_a"], role="fbi", name="Pat Agent", email="p@fbi.gov", phone="555-0100"
    )
    url = reverse("api:site-detail", args=[world["site_a"].pk])
    _, plain = make_token(world["reviewer"], scopes=["sites"])
    _, contacts = make_token(world["reviewer"], scopes=["sites", "sites:contacts"])
    member = client.get(url, **bearer(plain)).json()["team"][0]
    assert member["role"] == "fbi" and member["email"] == "p@fbi.gov"
    assert member["phone"] is None
    assert client.get(url, **bearer(contacts)).json()["team"][0]["phone"] == "555-0100"
    # The site page shows its own applicants the roster with phones; so does the API.
    client.force_login(world["applicant"])
    assert client.get(url).json()["team"][0]["phone"] == "555-0100"


def test_scores_only_where_the_caller_may_see_them(client, world):
    soi = world["soi_assigned"]
    other = make_staff(roles.REVIEWER)
    ReviewFactory(assignment=assign(soi, other), submitted=True)
    url = reverse("api:soi-detail", args=[soi.pk])
    _, reviewer_raw = make_token(world["reviewer"])
    # The reviewer has not submitted their own review: colleagues' scores stay hidden.
    assert client.get(url, **bearer(reviewer_raw)).json()["scores"] is None
    mine = world["reviewer"].review_assignments.get(application=soi)
    ReviewFactory(assignment=mine, submitted=True)
    scores = client.get(url, **bearer(reviewer_raw)).json()["scores"]
    assert scores["reviews_submitted"] == 2 and scores["average_total"] is not None
    _, official_raw = make_token(world["official"])
    assert client.get(url, **bearer(official_raw)).json()["scores"]["reviews_submitted"] == 2


def test_soi_shows_screening_and_status(client, world):
    _, raw = make_token(world["official"])
    body = client.get(
        reverse("api:soi-detail", args=[world["soi_assigned"].pk]), **bearer(raw)
    ).json()
    assert body["status"] == "submitted" and body["review_status"] == "in_review"
    assert body["screening"]["result"] in {"pass", "fail", "attention"}
    assert {check["key"] for check in body["screening"]["checks"]} >= {"complete", "ice"}


def test_unannounced_cycles_only_for_cycle_managers(client, world):
    future = CycleFactory(
        opens_at=timezone.now() + timezone.timedelta(days=5),
        closes_at=timezone.now() + timezone.timedelta(days=50),
    )
    url = reverse("api:cycle-detail", args=[future.pk])
    assert _call(client, world, "anon", url).status_code == 404
    assert _call(client, world, "reviewer", url).status_code == 404
    assert _call(client, world, "admin", url).status_code == 200


def test_report_download_link_only_when_ready(client, world):
    report = world["report_reviewer"]
    url = reverse("api:report-detail", args=[report.pk])
    assert _call(client, world, "reviewer", url).json()["download_url"] is None
    report.status = Report.Status.READY
    report.file.save("r.pdf", __import__("io").BytesIO(b"%PDF-1.4"), save=True)
    link = _call(client, world, "reviewer", url).json()["download_url"]
    assert link.endswith(reverse("reports:download", args=[report.pk]))


def test_follow_ups_on_an_engagement_are_internal(client, world):
    url = reverse("api:engagement-detail", args=[world["delivered_a"].pk])
    assert _call(client, world, "applicant", url).json()["follow_ups"] == []
    staff_view = _call(client, world, "liaison", url).json()["follow_ups"]
    assert [row["id"] for row in staff_view] == [world["follow_up_a"].pk]


def test_follow_ups_visible_are_those_of_the_engagements_visible(world):
    from engagements.access import engagements_visible_to, follow_ups_visible_to
    from sites.access import can_see_internal

    every = {world["follow_up_a"].pk, world["follow_up_b"].pk}
    for role in ["applicant", "reviewer", "official", "liaison", "other_liaison", "admin"]:
        user = world[role]
        shown = set(follow_ups_visible_to(user).values_list("pk", flat=True))
        expected = set()
        if can_see_internal(user):
            expected = set(
                FollowUpAction.objects.filter(
                    engagement__in=engagements_visible_to(user)
                ).values_list("pk", flat=True)
            )
        assert shown == expected, role
        assert shown <= every
    assert set(follow_ups_visible_to(world["admin"]).values_list("pk", flat=True)) == every
