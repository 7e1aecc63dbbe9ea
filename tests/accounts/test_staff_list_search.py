"""The staff accounts list has a search box, filters and pages (issue 13 item 12)."""

import pytest
from django.urls import reverse

from accounts import roles
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def test_staff_accounts_search_by_name_or_email_and_filter_by_role(client, program_admin):
    renee = make_staff(roles.SITE_LIAISON, full_name="Renee Okafor")
    make_staff(roles.REVIEWER, full_name="Someone Else")
    client.force_login(program_admin)
    url = reverse("accounts:staff_list")
    assert list(client.get(url, {"q": "okafor"}).context["staff"]) == [renee]
    assert list(client.get(url, {"q": renee.email.upper()}).context["staff"]) == [renee]
    liaisons = client.get(url, {"role": roles.SITE_LIAISON}).context["staff"]
    assert list(liaisons) == [renee]
    page = client.get(url)
    assert 'name="q"' in page.content.decode()


def test_staff_accounts_list_pages(client, program_admin):
    for n in range(26):
        make_staff(roles.REVIEWER, full_name=f"Reviewer {n}")
    client.force_login(program_admin)
    response = client.get(reverse("accounts:staff_list"))
    assert len(response.context["staff"]) == 25
    assert response.context["page"].has_next()


def test_staff_accounts_list_refused_to_other_staff(client, selecting_official):
    client.force_login(selecting_official)
    assert client.get(reverse("accounts:staff_list")).status_code == 403
