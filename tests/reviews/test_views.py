"""Pages: the access matrix over every staff URL, forms, queue, slate, CSV, query counts."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import CrimeFigures
from reviews.models import ConflictDeclaration, Decision, Review
from tests.factories import ApplicationFactory, JurisdictionFactory
from tests.reviews.factories import DecisionFactory, ReviewFactory, assign

pytestmark = pytest.mark.django_db

ROLES = ["applicant", "liaison", "reviewer", "selecting_official", "program_admin"]


@pytest.fixture
def world(cycle, soi, reviewer, selecting_official):
    """The reviewer is assigned to `soi` (declared, review submitted); `decided` has a decision."""
    assignment = assign(soi, reviewer, by=selecting_official)
    review = ReviewFactory(assignment=assignment, submitted=True)
    decided = ApplicationFactory(cycle=cycle, submitted=True)
    decision = DecisionFactory(application=decided, decided_by=selecting_official)
    return {"soi": soi, "review": review, "decision": decision, "cycle": cycle}


def staff_urls(world):
    soi, cycle = world["soi"].pk, world["cycle"].pk
    return {
        "queue": ("get", reverse("reviews:queue")),
        "queue_csv": ("get", reverse("reviews:queue") + "?format=csv"),
        "application": ("get", reverse("reviews:application", args=[soi])),
        "conflict": ("get", reverse("reviews:conflict", args=[soi])),
        "score": ("get", reverse("reviews:score", args=[soi])),
        "assign": ("get", reverse("reviews:assign", args=[soi])),
        "assign_bulk": ("get", reverse("reviews:assign_bulk")),
        "override": ("get", reverse("reviews:override", args=[soi])),
        "decide": ("get", reverse("reviews:decide", args=[soi])),
        "reopen": ("get", reverse("reviews:reopen", args=[world["review"].pk])),
        "reverse": ("get", reverse("reviews:reverse", args=[world["decision"].pk])),
        "slate_index": ("get", reverse("reviews:slate_index")),
        "slate": ("get", reverse("reviews:slate", args=[cycle])),
        "release": ("post", reverse("reviews:release", args=[cycle])),
    }


ALLOWED = {
    # Allowed: 200 (302 where the page redirects by design); refused: 403 or 404.
    "reviewer": {"queue", "queue_csv", "application", "conflict", "score"},
    "selecting_official": {
        "queue", "queue_csv", "application", "assign", "assign_bulk", "override", "decide",
        "reopen", "slate_index", "slate", "release",
    },
    "program_admin": {
        "queue", "queue_csv", "application", "assign", "assign_bulk", "reverse",
        "slate_index", "slate",
    },
    "applicant": set(),
    "liaison": set(),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_over_every_staff_url(client, request, world, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    unexpected = []
    urls = staff_urls(world)
    for name, (method, url) in urls.items():
        response = getattr(client, method)(url)
        allowed = name in ALLOWED[role]
        # Redirects by design: the declared reviewer's conflict page and their submitted
        # review's score page (both lead back to the SOI), and the release button.
        expected = {302} if name in ("conflict", "score", "release") else {200}
        ok = response.status_code in expected if allowed else response.status_code in (403, 404)
        if not ok:
            unexpected.append((name, response.status_code))
    print(f"{role}: {len(urls)} URLs checked, unexpected: {unexpected}")
    assert unexpected == []


def test_every_url_in_the_app_is_in_the_matrix(world):
    from reviews.urls import urlpatterns

    covered = {
        reverse(f"reviews:{p.name}", args=[1] * len(p.pattern.converters)) for p in urlpatterns
    }
    assert len(covered) == len({name for name in staff_urls(world) if name != "queue_csv"})


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for _name, (method, url) in staff_urls(world).items():
        assert getattr(client, method)(url).status_code == 302


def test_reviewer_cannot_read_a_soi_not_assigned_to_them(client, reviewer, cycle):
    other = ApplicationFactory(cycle=cycle, submitted=True)
    client.force_login(reviewer)
    for name in ("application", "score", "conflict"):
        assert client.get(reverse(f"reviews:{name}", args=[other.pk])).status_code == 404
    assert other.reference_number.encode() not in client.get(reverse("reviews:queue")).content


def test_conflicted_reviewer_can_neither_see_nor_score(client, reviewer, soi):
    assign(soi, reviewer, conflict=True)
    client.force_login(reviewer)
    assert client.get(reverse("reviews:application", args=[soi.pk])).status_code == 404
    assert client.get(reverse("reviews:conflict", args=[soi.pk])).status_code == 404
    response = client.post(reverse("reviews:score", args=[soi.pk]), {"score_severity": "3"})
    assert response.status_code == 404
    assert not Review.objects.exists()
    assert soi.reference_number.encode() not in client.get(reverse("reviews:queue")).content


def test_reviewer_declares_before_opening(client, reviewer, soi):
    assign(soi, reviewer, declared=False)
    client.force_login(reviewer)
    response = client.get(reverse("reviews:application", args=[soi.pk]))
    assert response.status_code == 302
    assert response.url == reverse("reviews:conflict", args=[soi.pk])
    response = client.post(reverse("reviews:conflict", args=[soi.pk]), {"has_conflict": "false"})
    assert response.url == reverse("reviews:application", args=[soi.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{soi.jurisdiction.name}, {soi.jurisdiction.state}</h1>" in html
    # A declared, unconflicted reviewer gets the score button and none of the officials'.
    assert "Score this SOI" in html
    assert "Assign reviewers" not in html and "Record decision" not in html


def test_declaring_a_conflict_removes_the_soi_and_keeps_the_declaration(client, reviewer, soi):
    assign(soi, reviewer, declared=False)
    client.force_login(reviewer)
    client.post(
        reverse("reviews:conflict", args=[soi.pk]),
        {"has_conflict": "true", "explanation": "I used to work for the mayor."},
    )
    declaration = ConflictDeclaration.objects.get(application=soi, reviewer=reviewer)
    assert declaration.has_conflict and declaration.explanation == "I used to work for the mayor."
    assert client.get(reverse("reviews:application", args=[soi.pk])).status_code == 404


def test_conflict_without_explanation_shows_the_error_beside_the_field(client, reviewer, soi):
    assign(soi, reviewer, declared=False)
    client.force_login(reviewer)
    response = client.post(reverse("reviews:conflict", args=[soi.pk]), {"has_conflict": "true"})
    assert response.status_code == 200
    assert response.context["form"].errors["explanation"] == ["Describe the conflict of interest."]
    assert not ConflictDeclaration.objects.exists()


def test_score_form_saves_a_draft_then_submits(client, reviewer, soi):
    assignment = assign(soi, reviewer)
    client.force_login(reviewer)
    url = reverse("reviews:score", args=[soi.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Score {soi.jurisdiction.name} ({soi.reference_number})" in html
    assert 'name="save_draft"' in html and 'name="submit_review"' in html
    client.post(url, {"score_severity": "4", "comment_severity": "High", "save_draft": "1"})
    review = Review.objects.get(assignment=assignment)
    assert review.status == "draft" and review.score_severity == 4
    data = {
        f"score_{k}": "3"
        for k in ("severity", "leadership", "readiness", "partnerships", "tta_clarity")
    }
    response = client.post(url, {**data, "recommendation": "discuss", "submit_review": "1"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "submitted" and review.total_score == 15


def test_score_out_of_range_is_refused_beside_the_field_keeping_the_input(client, reviewer, soi):
    assign(soi, reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:score", args=[soi.pk]),
        {"score_severity": "9", "comment_severity": "Keep this text", "save_draft": "1"},
    )
    assert response.status_code == 200
    assert "score_severity" in response.context["form"].errors
    assert b"Keep this text" in response.content
    assert not Review.objects.exists()


def test_submit_with_missing_scores_lists_each_field(client, reviewer, soi):
    assign(soi, reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:score", args=[soi.pk]), {"score_severity": "2", "submit_review": "1"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {
        "score_leadership", "score_readiness", "score_partnerships", "score_tta_clarity",
        "recommendation",
    }  # fmt: skip


def test_reviewers_do_not_see_others_scores_until_they_submit(
    client, reviewer, other_reviewer, soi
):
    colleague = assign(soi, other_reviewer)
    ReviewFactory(assignment=colleague, submitted=True, comment_severity="COLLEAGUE-COMMENT")
    mine = assign(soi, reviewer)
    client.force_login(reviewer)
    url = reverse("reviews:application", args=[soi.pk])
    assert b"COLLEAGUE-COMMENT" not in client.get(url).content
    ReviewFactory(assignment=mine, submitted=True)
    assert b"COLLEAGUE-COMMENT" in client.get(url).content


def test_decision_form_refuses_empty_rationale(client, selecting_official, soi):
    client.force_login(selecting_official)
    response = client.post(
        reverse("reviews:decide", args=[soi.pk]), {"outcome": "selected", "rationale": "  "}
    )
    assert response.status_code == 200
    assert "rationale" in response.context["form"].errors
    assert not Decision.objects.exists()


def test_decision_form_shows_the_race_message_to_the_second_official(
    client, selecting_official, soi
):
    DecisionFactory(application=soi, outcome="selected", decided_by=selecting_official)
    client.force_login(selecting_official)
    response = client.post(
        reverse("reviews:decide", args=[soi.pk]), {"outcome": "not_selected", "rationale": "x"}
    )
    assert b"already recorded" in response.content
    assert Decision.objects.filter(application=soi).count() == 1


def test_decision_form_refuses_a_soi_failing_screening(client, selecting_official, soi):
    CrimeFigures.objects.filter(application=soi).update(rate="100.0")
    client.force_login(selecting_official)
    response = client.post(
        reverse("reviews:decide", args=[soi.pk]), {"outcome": "selected", "rationale": "Strong."}
    )
    assert b"failed screening" in response.content
    assert not Decision.objects.exists()


def test_override_form_requires_a_reason(client, selecting_official, soi):
    client.force_login(selecting_official)
    response = client.post(
        reverse("reviews:override", args=[soi.pk]), {"check_key": "overall", "result": "pass"}
    )
    assert "reason" in response.context["form"].errors


def test_assign_pages_assign_one_and_in_bulk(
    client, selecting_official, reviewer, other_reviewer, cycle, soi
):
    second = ApplicationFactory(cycle=cycle, submitted=True)
    client.force_login(selecting_official)
    client.post(reverse("reviews:assign", args=[soi.pk]), {"reviewers": [reviewer.pk]})
    assert soi.review_assignments.filter(reviewer=reviewer).exists()
    client.post(
        reverse("reviews:assign_bulk"),
        {"applications": [soi.pk, second.pk], "reviewers": [reviewer.pk, other_reviewer.pk]},
    )
    assert soi.review_assignments.count() == 2 and second.review_assignments.count() == 2


def test_slate_ranks_by_average_score_and_warns_over_the_site_count(
    client, selecting_official, cycle, other_reviewer
):
    low = ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="Lowtown")
    )
    high = ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="Hightown")
    )
    ReviewFactory(assignment=assign(low, other_reviewer), submitted=True, score_severity=0)
    ReviewFactory(assignment=assign(high, other_reviewer), submitted=True, score_severity=5)
    cycle.max_sites = 1
    cycle.save()
    DecisionFactory(application=low, outcome="selected", decided_by=selecting_official)
    DecisionFactory(application=high, outcome="selected", decided_by=selecting_official)
    client.force_login(selecting_official)
    response = client.get(reverse("reviews:slate", args=[cycle.pk]))
    content = response.content.decode()
    assert content.index("Hightown") < content.index("Lowtown")
    assert response.context["over_limit"] is True
    assert "More sites selected than the cycle takes" in content


def test_slate_form_sets_the_number_of_sites(client, program_admin, cycle):
    client.force_login(program_admin)
    url = reverse("reviews:slate", args=[cycle.pk])
    client.post(url, {"max_sites": "6", "reason": "Two more awards funded."})
    cycle.refresh_from_db()
    assert cycle.max_sites == 6
    page = client.get(url).content.decode()
    assert "Two more awards funded." in page  # the reason shown with the change


def test_slate_form_without_a_reason_keeps_the_number(client, program_admin, cycle):
    client.force_login(program_admin)
    response = client.post(reverse("reviews:slate", args=[cycle.pk]), {"max_sites": "6"})
    assert response.status_code == 200
    assert "Give the reason for changing the number of sites." in response.content.decode()
    assert 'value="6"' in response.content.decode()  # typed input kept
    cycle.refresh_from_db()
    assert cycle.max_sites != 6


def test_selecting_official_cannot_change_the_number_of_sites(client, selecting_official, cycle):
    client.force_login(selecting_official)
    url = reverse("reviews:slate", args=[cycle.pk])
    assert "Reason for the change" not in client.get(url).content.decode()
    response = client.post(url, {"max_sites": "6", "reason": "More."})
    assert response.status_code == 403


def test_queue_sorts_from_the_folded_filter_form(client, selecting_official, cycle):
    """Sorting sits in the filter form, folded under a disclosure, so the first SOI is a
    few Tab stops from the skip link (issue 16); the headers still say how it is sorted."""
    ApplicationFactory(cycle=cycle, submitted=True)
    client.force_login(selecting_official)
    url = reverse("reviews:queue")
    page = client.get(url, {"sort": "-score"}).content.decode()
    assert '<option value="-score" selected>Average score, descending</option>' in page
    assert 'aria-sort="descending">Average score</th>' in page
    # No links in the headers: they were ten Tab stops before the first SOI.
    assert not re.search(r'<th scope="col"[^>]*>\s*<a ', page)
    assert '<details class="portal-filters">' in page  # folded: no filter applied
    page = client.get(url, {"state": "OH"}).content.decode()
    assert '<details class="portal-filters" open>' in page


def test_queue_filters_search_sort_and_csv(client, selecting_official, cycle, reviewer):
    tulsa = ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="Tulsa", state="OK")
    )
    ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="Miami", state="FL")
    )
    failing = ApplicationFactory(
        cycle=cycle, submitted=True, jurisdiction=JurisdictionFactory(name="Quietville", state="OH")
    )
    CrimeFigures.objects.filter(application=failing).update(rate="50.0")
    assign(tulsa, reviewer)
    client.force_login(selecting_official)
    url = reverse("reviews:queue")

    def names(params):
        rows = client.get(url, params).context["page"].object_list
        return [r.application.jurisdiction.name for r in rows]

    assert names({"state": "OK"}) == ["Tulsa"]
    assert names({"q": "mia"}) == ["Miami"]
    assert names({"q": tulsa.reference_number}) == ["Tulsa"]
    assert names({"screening": "fail"}) == ["Quietville"]
    assert names({"status": "in_review"}) == ["Tulsa"]
    assert names({"sort": "jurisdiction"}) == ["Miami", "Quietville", "Tulsa"]
    assert names({"sort": "-jurisdiction"}) == ["Tulsa", "Quietville", "Miami"]
    response = client.get(url, {"state": "OK", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "reference_number"
    assert [r[1] for r in rows[1:]] == ["Tulsa"]


def test_assigned_to_me_filter(client, selecting_official, reviewer, cycle):
    mine = ApplicationFactory(cycle=cycle, submitted=True)
    ApplicationFactory(cycle=cycle, submitted=True)
    assign(mine, selecting_official)
    client.force_login(selecting_official)
    rows = client.get(reverse("reviews:queue"), {"assigned_to_me": "true"}).context["page"]
    assert [r.application.pk for r in rows] == [mine.pk]


def _populate(cycle, count, reviewers):
    for _ in range(count):
        application = ApplicationFactory(cycle=cycle, submitted=True)
        for reviewer in reviewers:
            ReviewFactory(assignment=assign(application, reviewer), submitted=True)


@pytest.mark.parametrize("page", ["queue", "slate"])
def test_queue_and_slate_run_a_fixed_number_of_queries(
    client, selecting_official, reviewer, other_reviewer, cycle, page
):
    url = reverse("reviews:queue") if page == "queue" else reverse("reviews:slate", args=[cycle.pk])
    client.force_login(selecting_official)
    counts = []
    for total in (5, 50):
        _populate(
            cycle, total - sum(1 for _ in cycle.applications.all()), [reviewer, other_reviewer]
        )
        client.get(url)  # warm the session and permission caches like any later request
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    print(f"{page} queries at 5 and 50 SOIs: {counts}")
    if page == "queue":  # 25 a page: the second page holds the other 25
        assert len(client.get(url, {"page": 2}).context["page"].object_list) == 25
    assert counts[0] == counts[1]
    assert counts[1] <= 25


def test_decision_form_warns_when_the_cycle_is_already_full(client, selecting_official, cycle, soi):
    cycle.max_sites = 1
    cycle.save()
    DecisionFactory(
        application=ApplicationFactory(cycle=cycle, submitted=True),
        outcome="selected",
        decided_by=selecting_official,
    )
    client.force_login(selecting_official)
    response = client.get(reverse("reviews:decide", args=[soi.pk]))
    assert b"A selection past that number is refused" in response.content


def test_queue_builds_rows_for_one_page_only(
    client, selecting_official, reviewer, cycle, monkeypatch, django_assert_max_num_queries
):
    """Sorted by submission or reference, the queue sorts and pages in SQL (found by
    `make bench`: building every row took seconds at 3,000 SOIs)."""
    import datetime

    from django.utils import timezone

    from applications.models import Application
    from reviews import selectors

    base = timezone.now()
    for n in range(30):
        application = ApplicationFactory(cycle=cycle, submitted=True)
        # Pairs share a submission time: ties go by reference number, as sort_rows does.
        Application.objects.filter(pk=application.pk).update(
            submitted_at=base - datetime.timedelta(hours=n // 2)
        )
    built = []
    real_build_rows = selectors.build_rows
    monkeypatch.setattr(
        selectors,
        "build_rows",
        lambda apps, user=None, **kw: built.append(len(apps)) or real_build_rows(apps, user, **kw),
    )
    client.force_login(selecting_official)
    url = reverse("reviews:queue")
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(20):
        first = client.get(url).context["page"]
    second = client.get(url, {"page": 2}).context["page"]
    assert built[-2:] == [25, 5]
    expected = sorted(Application.objects.filter(cycle=cycle), key=lambda a: a.reference_number)
    expected = sorted(expected, key=lambda a: a.submitted_at, reverse=True)
    shown = [r.application.pk for r in first] + [r.application.pk for r in second]
    assert shown == [a.pk for a in expected]
    by_reference = client.get(url, {"sort": "reference"}).context["page"]
    assert [r.application.reference_number for r in by_reference] == sorted(
        a.reference_number for a in expected
    )[:25]


def test_no_scoring_once_a_decision_is_in_force_and_again_after_reversal(
    client, reviewer, soi, program_admin
):
    from django.utils import timezone

    assign(soi, reviewer)
    decision = DecisionFactory(application=soi)
    client.force_login(reviewer)
    page, score = (
        reverse(name, args=[soi.pk]) for name in ("reviews:application", "reviews:score")
    )
    assert "Score this SOI" not in client.get(page).content.decode()
    assert client.get(score).status_code == 403
    assert client.post(score, {"score_severity": "3", "save_draft": "1"}).status_code == 403
    assert not Review.objects.exists()
    decision.reversed_at, decision.reversed_by = timezone.now(), program_admin
    decision.save()
    assert "Score this SOI" in client.get(page).content.decode()
    assert client.get(score).status_code == 200
