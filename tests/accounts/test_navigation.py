"""The header's menu (issue 16): a role's many entries grouped into USWDS dropdowns."""

import pytest
from django.urls import reverse

from accounts.navigation import NAV_ITEMS, menu_for, navigation_for
from tests.factories import ApplicantFactory
from tests.html_helpers import primary_navigation

pytestmark = pytest.mark.django_db


def top_row(menu):
    return [(entry.label, [link.label for link in entry.items]) for entry in menu]


def test_program_admin_sees_five_places_on_the_top_row(program_admin):
    menu = menu_for(program_admin, "/dashboard/")
    assert [entry.label for entry in menu] == [
        "Dashboard", "Applications", "Sites", "Reports", "Administration",
    ]  # fmt: skip
    # Every entry the admin may open is still offered, in a dropdown.
    offered = {link.label for entry in menu for link in entry.items or [entry]}
    assert offered == {item.label for item in navigation_for(program_admin)}


def test_a_group_with_one_entry_is_a_plain_link(applicant):
    # The applicant's three entries stay on the top row as links, no dropdowns.
    assert top_row(menu_for(applicant, "/dashboard/")) == [
        ("Dashboard", []), ("My Statements of Interest", []), ("My reports", []),
    ]  # fmt: skip


def test_only_the_closest_entry_is_current(liaison):
    # /sites/workspace/ lies under /sites/ too; only "My workspace" is this page.
    menu = menu_for(liaison, reverse("sites:workspace"))
    sites = next(entry for entry in menu if entry.label == "Sites")
    assert sites.current
    assert [link.label for link in sites.items if link.current] == ["My workspace"]
    assert not any(entry.current for entry in menu if entry is not sites)


def test_every_entry_names_a_group_or_is_the_dashboard():
    # A new entry without a group would widen the top row again.
    assert [item.label for item in NAV_ITEMS if item.group is None] == ["Dashboard"]


def test_header_renders_dropdowns_as_uswds_accordion_buttons(client, program_admin):
    client.force_login(program_admin)
    nav = primary_navigation(client.get(reverse("sites:workspace")).content)
    buttons = nav.find_all("button", "usa-accordion__button")
    assert [b.text.strip() for b in buttons] == [
        "Applications",
        "Sites",
        "Reports",
        "Administration",
    ]
    for button in buttons:
        submenu = nav.by_id(button.get("aria-controls"))
        assert submenu.tag == "ul" and "hidden" in submenu.attrs
        assert button.get("aria-expanded") == "false"
    current = [a.text.strip() for a in nav.find_all("a") if a.get("aria-current") == "page"]
    assert current == ["My workspace"]


def test_applicant_header_has_no_dropdowns(client):
    client.force_login(ApplicantFactory())
    nav = primary_navigation(client.get(reverse("dashboard")).content)
    assert nav.find_all("a") and not nav.find_all("button")


def test_menu_addresses_follow_the_script_prefix(applicant):
    # Addresses are kept per URLconf and prefix: a portal served under /psp/ links there.
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    try:
        set_script_prefix("/psp/")
        assert menu_for(applicant, "/psp/dashboard/")[0].url == "/psp/dashboard/"
    finally:
        set_script_prefix(before)
    assert menu_for(applicant, "/dashboard/")[0].url == "/dashboard/"


def test_navigation_is_worked_out_once_per_user_object(applicant, django_assert_num_queries):
    # The header, its current entry and the dashboard ask for the same list in a request.
    first = navigation_for(applicant)
    with django_assert_num_queries(0):
        assert navigation_for(applicant) is first


def test_each_page_marks_its_own_entry_though_the_header_is_rendered_once_per_menu(
    client, program_admin
):
    # The header's markup is kept per distinct menu (uswds_nav_menu): the current entry
    # is part of the menu, so two pages never share a row.
    client.force_login(program_admin)
    for url_name, label in [
        ("sites:workspace", "My workspace"),
        ("sites:list", "Sites"),
        ("sites:workspace", "My workspace"),
        ("dashboard", "Dashboard"),
    ]:
        nav = primary_navigation(client.get(reverse(url_name)).content)
        current = [a.text.strip() for a in nav.find_all("a") if a.get("aria-current") == "page"]
        assert current == [label]
