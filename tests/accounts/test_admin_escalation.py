"""Issue 14, item 1: no one takes over a superuser or a more privileged account through the admin."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import roles
from accounts.access import can_administer_user
from accounts.models import SecurityEvent, User
from tests.conftest import make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lantern-harbor-quilt-93"


@pytest.fixture
def superuser(db):
    user = UserFactory(is_staff=True, is_superuser=True, email="root@psp.example.gov")
    TOTP.activate(user, generate_totp_secret())  # the MFA rule covers superusers too
    return user


def change_data(user: User, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "jurisdiction": user.jurisdiction_id or "",
        "groups": [g.pk for g in user.groups.all()],
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def test_password_form_of_a_superuser_is_404_for_a_program_admin(client, program_admin, superuser):
    client.force_login(program_admin)
    password_hash = superuser.password
    assert client.get(password_url(superuser)).status_code == 404
    response = client.post(
        password_url(superuser),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 404
    superuser.refresh_from_db()
    assert superuser.password == password_hash
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ADMIN_REFUSED)
    assert events.count() == 2
    assert {e.actor for e in events} == {program_admin}
    assert {e.target_user for e in events} == {superuser}


def test_program_admin_still_sets_an_applicants_password(client, program_admin, applicant):
    client.force_login(program_admin)
    assert client.get(password_url(applicant)).status_code == 200
    response = client.post(
        password_url(applicant),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)
    assert not SecurityEvent.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "mine@psp.example.gov"},
        {"is_active": None},  # unticked: deactivate
        {"groups": "ROLE"},
    ],
    ids=["email", "active", "groups"],
)
def test_program_admin_cannot_change_a_superuser(client, program_admin, superuser, overrides):
    client.force_login(program_admin)
    if overrides.get("groups") == "ROLE":
        overrides = {"groups": [Group.objects.get(name=roles.APPLICANT).pk]}
    url = reverse("admin:accounts_user_change", args=[superuser.pk])
    page = client.get(url)
    # Shown read-only: no editable form for the account.
    assert page.status_code == 200
    assert "email" not in page.context["adminform"].form.fields
    response = client.post(url, change_data(superuser, **overrides))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email == "root@psp.example.gov"
    assert superuser.is_active
    assert list(superuser.groups.all()) == []
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ADMIN_REFUSED, actor=program_admin, target_user=superuser
    ).exists()


def test_program_admin_cannot_change_an_account_with_more_permissions(client, program_admin):
    # A permission beyond every role (here: delete users) puts the account above a program admin.
    stronger = make_staff(roles.PROGRAM_ADMIN)
    stronger.user_permissions.add(Permission.objects.get(codename="delete_user"))
    assert not can_administer_user(program_admin, stronger)
    client.force_login(program_admin)
    assert client.get(password_url(stronger)).status_code == 404
    url = reverse("admin:accounts_user_change", args=[stronger.pk])
    response = client.post(url, change_data(stronger, email="taken@psp.example.gov"))
    assert response.status_code == 403
    stronger.refresh_from_db()
    assert stronger.email != "taken@psp.example.gov"


def test_program_admin_can_still_deactivate_a_reviewer(client, program_admin, reviewer):
    client.force_login(program_admin)
    url = reverse("admin:accounts_user_change", args=[reviewer.pk])
    response = client.post(url, change_data(reviewer, is_active=None))
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active


def test_deactivated_superuser_cannot_be_reactivated_by_a_program_admin(
    client, program_admin, superuser
):
    superuser.is_active = False
    superuser.save()
    client.force_login(program_admin)
    url = reverse("admin:accounts_user_change", args=[superuser.pk])
    response = client.post(url, change_data(superuser, is_active="on"))
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert not superuser.is_active


def test_groups_beyond_the_actors_reach_are_not_offered(client, program_admin, applicant):
    strong = Group.objects.create(name="Break glass")
    strong.permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(program_admin)
    url = reverse("admin:accounts_user_change", args=[applicant.pk])
    offered = client.get(url).context["adminform"].form.fields["groups"].queryset
    assert strong not in offered
    assert Group.objects.get(name=roles.PROGRAM_ADMIN) in offered
    # Posting it anyway is a form error, not a grant.
    response = client.post(url, change_data(applicant, groups=[strong.pk]))
    assert response.status_code == 200
    assert strong not in applicant.groups.all()


def test_program_admin_cannot_raise_their_own_account(client, program_admin):
    strong = Group.objects.create(name="Break glass")
    strong.permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(program_admin)
    url = reverse("admin:accounts_user_change", args=[program_admin.pk])
    groups = [g.pk for g in program_admin.groups.all()] + [strong.pk]
    client.post(url, change_data(program_admin, groups=groups))
    assert strong not in program_admin.groups.all()


def test_superuser_may_change_anyone(client, superuser, program_admin):
    client.force_login(superuser)
    assert client.get(password_url(program_admin)).status_code == 200


def test_authenticators_of_a_superuser_are_out_of_reach(program_admin, superuser):
    # Program admins hold no permission on authenticators or email addresses at all.
    for model in (Authenticator,):
        perm = f"{model._meta.app_label}.change_{model._meta.model_name}"
        assert not program_admin.has_perm(perm)
    assert not program_admin.has_perm("account.change_emailaddress")
    assert not program_admin.has_perm("mfa.delete_authenticator")


def test_audit_trail_is_read_only_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_securityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
