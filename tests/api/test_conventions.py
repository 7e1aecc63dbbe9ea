"""Authentication, scopes, throttling, ETags, pagination, CSV and problem details."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from api.models import ApiTokenUse
from api.services import api_token_revoke
from tests.api.conftest import make_token
from tests.factories import EngagementFactory, SiteFactory

pytestmark = pytest.mark.django_db

SITES = reverse("api:site-list")


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank"
    assert body["title"] and body["instance"] == response.wsgi_request.path
    return body


def test_no_credentials_get_401_with_a_bearer_challenge(api_get):
    response = api_get(SITES)
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_gets_401(api_get):
    assert _problem(api_get(SITES, "psp_not-a-token"), 401)["code"] == "authentication_failed"


def test_expired_token_gets_401(api_get, reviewer):
    token, raw = make_token(reviewer)
    token.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    token.save()
    assert "expired" in _problem(api_get(SITES, raw), 401)["detail"]
    assert not ApiTokenUse.objects.exists()


def test_revoked_token_gets_401(api_get, reviewer):
    token, raw = make_token(reviewer)
    assert api_get(SITES, raw).status_code == 200
    api_token_revoke(token=token, actor=reviewer)
    assert "revoked" in _problem(api_get(SITES, raw), 401)["detail"]


def test_token_stops_working_when_its_owner_loses_the_staff_role(api_get, reviewer):
    _, raw = make_token(reviewer)
    reviewer.groups.remove(Group.objects.get(name=roles.REVIEWER))
    assert _problem(api_get(SITES, raw), 401)["detail"].startswith("This token's owner")


def test_every_token_use_is_logged_and_sets_last_used(api_get, reviewer):
    token, raw = make_token(reviewer)
    api_get(SITES + "?cohort_year=2024", raw)
    use = ApiTokenUse.objects.get()
    assert use.token == token and use.method == "GET"
    assert use.endpoint == "/api/v1/sites/?cohort_year=2024"
    assert timezone.now() - use.at < datetime.timedelta(minutes=1)
    token.refresh_from_db()
    assert token.last_used_at == use.at


def test_session_authentication_works(api_get, client, reviewer):
    SiteFactory()
    client.force_login(reviewer)
    response = api_get(SITES)
    assert response.status_code == 200 and len(response.json()["results"]) == 1


def test_token_without_the_scope_gets_403(api_get, reviewer):
    _, raw = make_token(reviewer, scopes=["engagements"])
    body = _problem(api_get(SITES, raw), 403)
    assert "'sites' scope" in body["detail"]
    assert api_get(reverse("api:engagement-list"), raw).status_code == 200


def test_public_endpoints_need_no_credentials(api_get):
    assert api_get(reverse("api:cycle-list")).status_code == 200
    assert api_get(reverse("api:national-rate-list")).status_code == 200


def test_rate_limit_answers_429_with_retry_after(api_get, reviewer, settings):
    settings.API_RATE_LIMIT = "3/min"
    _, raw = make_token(reviewer)
    _, other = make_token(reviewer)
    for _ in range(3):
        assert api_get(SITES, raw).status_code == 200
    response = api_get(SITES, raw)
    _problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    # The budget is per token: another token of the same person still works.
    assert api_get(SITES, other).status_code == 200


def test_etag_and_if_none_match_give_304(api_get, reviewer):
    SiteFactory()
    _, raw = make_token(reviewer)
    first = api_get(SITES, raw)
    etag = first["ETag"]
    assert etag
    again = api_get(SITES, raw, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    SiteFactory()
    changed = api_get(SITES, raw, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cursor_pagination_follows_next_links(api_get, reviewer):
    site = SiteFactory()
    EngagementFactory.create_batch(5, site=site)
    _, raw = make_token(reviewer)
    seen, url = [], reverse("api:engagement-list") + "?page_size=2"
    while url:
        body = api_get(url, raw).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 5 == len(set(seen))


def test_invalid_filter_is_a_400_problem_naming_the_parameter(api_get, reviewer):
    _, raw = make_token(reviewer)
    body = _problem(api_get(SITES + "?cohort_year=soon&phase=nope", raw), 400)
    assert set(body["errors"]) == {"cohort_year", "phase"}


def test_invalid_cursor_is_a_404_problem(api_get, reviewer):
    _, raw = make_token(reviewer)
    _problem(api_get(SITES + "?cursor=garbage", raw), 404)


def test_filters_match_the_list_page(api_get, reviewer):
    ohio = SiteFactory(cohort_year=2023)
    SiteFactory(cohort_year=2024, jurisdiction__state="TX")
    _, raw = make_token(reviewer)
    rows = api_get(SITES + "?cohort_year=2023&state=OH", raw).json()["results"]
    assert [row["id"] for row in rows] == [ohio.pk]


def test_updated_since_returns_rows_changed_since(api_get, reviewer):
    old = SiteFactory()
    cutoff = timezone.now()
    new = SiteFactory()
    type(old).objects.filter(pk=old.pk).update(updated_at=cutoff - datetime.timedelta(days=1))
    _, raw = make_token(reviewer)
    rows = api_get(SITES, raw, data={"updated_since": cutoff.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [new.pk]


def test_engagement_filters_date_range_and_focus_area(api_get, reviewer):
    site = SiteFactory()
    early = EngagementFactory(site=site, start_date=datetime.date(2025, 1, 5))
    EngagementFactory(site=site, start_date=datetime.date(2025, 6, 5))
    EngagementFactory(site=site, start_date=datetime.date(2025, 1, 6), focus_areas=["technology"])
    _, raw = make_token(reviewer)
    url = reverse("api:engagement-list")
    query = "?start_from=2025-01-01&start_to=2025-01-31&focus_area=crime_analysis"
    rows = api_get(url + query, raw).json()["results"]
    assert [row["id"] for row in rows] == [early.pk]


def test_csv_is_the_whole_filtered_list_with_the_json_field_names(api_get, reviewer):
    SiteFactory.create_batch(3, cohort_year=2023)
    SiteFactory(cohort_year=2024, jurisdiction__name="=HYPERLINK(1)")
    _, raw = make_token(reviewer)
    response = api_get(SITES + "?format=csv&page_size=1", raw)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("id,url,name,state,")
    assert len(lines) == 5  # header + every site, not one page
    # The pages' formula-injection guard applies.
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_csv_errors_are_still_problem_json(api_get, reviewer):
    _, raw = make_token(reviewer)
    _problem(api_get(SITES + "?format=csv&cohort_year=x", raw), 400)


def test_dates_are_iso_8601(api_get, reviewer):
    EngagementFactory(start_date=datetime.date(2025, 3, 4))
    _, raw = make_token(reviewer)
    row = api_get(reverse("api:engagement-list"), raw).json()["results"][0]
    assert row["start_date"] == "2025-03-04"
    datetime.datetime.fromisoformat(row["updated_at"])


def test_last_used_is_written_at_most_once_a_minute(api_get, reviewer):
    token, raw = make_token(reviewer)
    api_get(SITES, raw)
    token.refresh_from_db()
    first = token.last_used_at
    api_get(SITES, raw)
    token.refresh_from_db()
    assert token.last_used_at == first and ApiTokenUse.objects.count() == 2
    type(token).objects.filter(pk=token.pk).update(
        last_used_at=first - datetime.timedelta(minutes=2)
    )
    api_get(SITES, raw)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_one_query_permission_cache_equals_djangos(program_admin, applicant):
    from django.contrib.auth.models import Permission

    from accounts.models import User
    from accounts.permissions import load_permissions

    program_admin.user_permissions.add(Permission.objects.get(codename="view_report"))
    for user in (program_admin, applicant):
        ours = User.objects.get(pk=user.pk)
        load_permissions(ours)
        assert ours._perm_cache == User.objects.get(pk=user.pk).get_all_permissions()
        assert ours._perm_cache  # not vacuous


def test_empty_csv_still_has_its_header(api_get, reviewer):
    # Found by Schemathesis: an empty list once crashed the ETag step (500).
    _, raw = make_token(reviewer)
    response = api_get(SITES + "?format=csv", raw)
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "id,url,name,state,jurisdiction_id,cohort_year,usao_district,engagement_level,phase,"
        "phase_started_on,start_date,expected_end_date,liaison_id,liaison_name,focus_areas,"
        "updated_at"
    ]
