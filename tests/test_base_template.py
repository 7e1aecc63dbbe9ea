"""base.html's shortcuts keep its markup: addresses reversed once, the footer rendered once
(psp_portal.templatetags.uswds: uswds_address, uswds_fragment)."""

import pytest
from django.template import engines
from django.urls import get_script_prefix, reverse, set_script_prefix

NAMES = ["home", "mfa_index", "notifications:preferences", "account_logout", "account_login"]


def render(source: str) -> str:
    return engines["django"].from_string("{% load uswds %}" + source).render({})


@pytest.fixture
def under_psp():
    before = get_script_prefix()
    set_script_prefix("/psp/")
    yield
    set_script_prefix(before)


@pytest.mark.parametrize("name", NAMES)
def test_an_address_is_what_the_url_tag_gives(name):
    assert render(f"{{% uswds_address '{name}' %}}") == render(f"{{% url '{name}' %}}")


def test_addresses_and_the_footer_follow_the_script_prefix(under_psp):
    assert render("{% uswds_address 'home' %}") == "/psp/"
    footer = render('{% uswds_fragment "components/site_footer.html" %}')
    assert 'href="/psp/accessibility/"' in footer
    assert footer == render('{% include "components/site_footer.html" %}')


def test_the_footer_fragment_is_the_included_footer():
    fragment = render('{% uswds_fragment "components/site_footer.html" %}')
    assert fragment == render('{% include "components/site_footer.html" %}')
    assert f'href="{reverse("privacy")}"' in fragment
