"""A signed-in request reads the person's permissions in one query, built once
(accounts.permissions), and holds nothing over to the next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import roles
from accounts.permissions import granted_permissions, load_permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _permission_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"auth_permission"' in q["sql"]]


def test_a_signed_in_page_reads_permissions_in_one_query(
    client, reviewer, django_assert_max_num_queries
):
    client.force_login(reviewer)
    client.get(reverse("reviews:queue"))
    with django_assert_max_num_queries(20) as captured:
        response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    # ModelBackend's own way is two: the person's permissions, then their groups'.
    assert len(_permission_queries(captured)) == 1


def test_an_anonymous_request_reads_no_permission(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert _permission_queries(captured) == []


def test_a_role_taken_away_counts_from_the_next_request(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("reviews:queue")).status_code == 200
    reviewer.groups.clear()
    assert client.get(reverse("reviews:queue")).status_code == 403


def test_direct_and_group_permissions_both_count():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=roles.SITE_LIAISON))
    user.user_permissions.add(Permission.objects.get(codename="manage_cycles"))
    expected = roles.ROLE_PERMISSIONS[roles.SITE_LIAISON] | {"applications.manage_cycles"}
    assert granted_permissions(user) == expected
    load_permissions(user)
    assert user.get_all_permissions() == expected
    assert user.has_perm("applications.manage_cycles")
    assert user.has_perm("engagements.log_engagement")
    assert not user.has_perm("sites.manage_sites")


def test_an_inactive_account_holds_no_permission_but_its_grants_are_still_read():
    user = UserFactory(is_active=False)
    user.groups.add(Group.objects.get(name=roles.PROGRAM_ADMIN))
    load_permissions(user)
    assert not user.has_perm("sites.manage_sites")
    # What accounts.access.can_administer_user compares against the actor's ceiling.
    assert "sites.manage_sites" in granted_permissions(user)


def test_a_superuser_holds_every_permission():
    user = UserFactory(is_superuser=True)
    load_permissions(user)
    assert user.has_perm("operations.view_operations")
    assert user.has_perm("auth.delete_group")  # no role holds it
