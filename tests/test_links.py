"""psp_portal.links.url_around: one reverse() for a page's links to a route with one id."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse

from psp_portal.links import url_around


def test_head_pk_and_tail_make_the_url_for_any_pk():
    head, tail = url_around("reviews:decide")
    for pk in (1, 42, 123456):
        assert f"{head}{pk}{tail}" == reverse("reviews:decide", args=[pk])


def test_the_template_tag_gives_the_same_url():
    rendered = Template(
        "{% load links %}{% url_around 'sites:history' as history %}"
        "{{ history.0 }}{{ pk }}{{ history.1 }}"
    ).render(Context({"pk": 77}))
    assert rendered == reverse("sites:history", args=[77])


def test_refuses_a_route_with_more_ids():
    with pytest.raises(NoReverseMatch):
        url_around("engagements:narrative")  # site, year and half
