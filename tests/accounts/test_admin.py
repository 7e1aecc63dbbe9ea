"""The Django admin is for program admins only, and only through allauth's sign-in (with TOTP)."""

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_program_admin_opens_the_admin(client, program_admin):
    client.force_login(program_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


@pytest.mark.parametrize("fixture", ["reviewer", "selecting_official", "liaison", "applicant"])
def test_other_roles_get_no_admin_access(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    response = client.get(reverse("admin:accounts_user_changelist"), follow=True)
    assert response.status_code == 403


def test_is_staff_flag_alone_does_not_open_the_admin(client, reviewer):
    # The flag without the program admin permission (e.g. set by mistake) is not enough.
    reviewer.is_staff = True
    reviewer.save()
    client.force_login(reviewer)
    assert client.get("/admin/", follow=True).status_code == 403


def test_program_admin_without_the_flag_is_refused(client):
    from tests.conftest import make_staff

    user = make_staff(roles.PROGRAM_ADMIN)
    user.is_staff = False
    user.save()
    client.force_login(user)
    assert client.get("/admin/", follow=True).status_code == 403


def test_anonymous_visitor_is_sent_to_the_portal_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/admin/" in response["Location"]


def test_program_admin_without_totp_is_sent_to_enrolment_not_the_admin(client):
    user = UserFactory(roles=[roles.PROGRAM_ADMIN], is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


def test_program_admin_can_deactivate_but_not_make_a_superuser(client, program_admin, applicant):
    client.force_login(program_admin)
    url = reverse("admin:accounts_user_change", args=[applicant.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "is_active" in form.fields


def test_admin_pages_load_the_accessibility_overrides(client, program_admin):
    # templates/admin/base_site.html adds css/admin.css (underlined breadcrumb links,
    # 24 px filter targets; issue 16), after Django's responsive.css so it wins.
    client.force_login(program_admin)
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert html.index("admin/css/responsive.css") < html.index("css/admin.css")


def test_account_roles_are_a_checkbox_list_in_the_admin(client, program_admin):
    # Django's two-box selector writes aria-label on plain spans (axe aria-prohibited-attr).
    reviewer = UserFactory(roles=[roles.REVIEWER])
    client.force_login(program_admin)
    response = client.get(reverse("admin:accounts_user_change", args=[reviewer.pk]))
    html = response.content.decode()
    assert 'type="checkbox" name="groups"' in html
    assert "selectfilter" not in html.lower()


def test_admin_history_table_scrolls_in_its_own_region_without_inline_style(client, program_admin):
    reviewer = UserFactory(roles=[roles.REVIEWER])
    client.force_login(program_admin)
    html = client.get(reverse("admin:accounts_user_history", args=[reviewer.pk])).content.decode()
    assert 'class="portal-admin-scroll" role="region"' in html
    assert " style=" not in html  # the Content-Security-Policy forbids inline style
