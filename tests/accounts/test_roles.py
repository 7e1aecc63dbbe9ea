import pytest
from django.contrib.auth.models import Group

from accounts import roles

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


def test_each_declared_permission_is_attached_to_its_group():
    # Every permission a role declares must exist once all migrations ran; a
    # missing one means an app forgot its sync migration or renamed a codename.
    for role, perms in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        attached = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert perms <= attached, f"{role} lacks {sorted(perms - attached)}"


def test_applicant_holds_no_staff_permission(applicant):
    assert applicant.has_perm("accounts.file_statement_of_interest")
    assert not applicant.has_perm("accounts.open_staff_area")
    assert not applicant.is_portal_staff


def test_program_admin_may_manage_staff_but_reviewer_may_not(program_admin, reviewer):
    assert program_admin.has_perm("accounts.manage_staff_accounts")
    assert not reviewer.has_perm("accounts.manage_staff_accounts")
    assert reviewer.is_portal_staff


def test_flush_keeps_role_groups_and_their_permissions():
    # Transactional tests (and operators) run `flush`, which empties what the data
    # migration created; the post_migrate receiver must put the groups back.
    from django.core.management import call_command

    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    call_command("flush", interactive=False, verbosity=0)
    after = {g.name: g.permissions.count() for g in Group.objects.all()}
    assert after == before
    assert set(after) >= set(roles.ALL_ROLES)
