"""Filters say what their empty choice does (issue 16, item 6).

Every filter form (each django-filter FilterSet of the portal's apps, the forms that pick
what a report covers, and the list pages that show them) offers "All statuses", "All
cycles" or "Any" as the empty choice, never Django's "---------" (read aloud as "dash
dash dash") nor django-filter's "Unknown". See psp_portal/filtersets.py.
"""

import importlib
import re

import django_filters
import pytest
from django.apps import apps
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from accounts import roles
from psp_portal.filtersets import PortalFilterSet
from reports.kinds import all_kinds
from tests.conftest import make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DASHES = "---------"
EMPTY_CHOICE = re.compile(r'<option value=""[^>]*>([^<]*)</option>')
# What an empty choice may say: "All statuses", "Any", "Choose a site".
SAYS_WHAT_IT_DOES = re.compile(r"^(All |Any\b|Choose )")


def assert_empty_choices_named(html: str) -> None:
    assert DASHES not in html
    assert ">Unknown<" not in html
    for label in EMPTY_CHOICE.findall(html):
        assert SAYS_WHAT_IT_DOES.match(label.strip()), f"empty choice reads {label!r}"


# The read API's FilterSets parse query strings only: the API renders JSON, never a form.
NOT_RENDERED = ("api",)


def project_filtersets() -> list[type[django_filters.FilterSet]]:
    """Every FilterSet subclass defined in the portal's own apps (filters.py or forms.py)."""
    # The venv may live inside BASE_DIR (make venv puts it at .venv): its apps are not ours.
    ours = [
        c
        for c in apps.get_app_configs()
        if str(c.path).startswith(str(settings.BASE_DIR)) and "site-packages" not in str(c.path)
    ]
    packages = {config.name.split(".")[0] for config in ours} - set(NOT_RENDERED)
    for config in ours:
        for module in ("filters", "forms"):
            try:
                importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{module}":
                    raise

    found, todo = [], [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in packages:
                found.append(sub)
    return found


def all_roles_user():
    return make_staff(*roles.STAFF_ROLES)


def test_the_walk_finds_the_portal_filtersets():
    # Guards the walk itself: if discovery broke, the test below would pass on nothing.
    names = {cls.__name__ for cls in project_filtersets()}
    assert {"SiteFilter", "QueueFilter", "EngagementFilter", "StaffAccountFilter"} <= names


@pytest.mark.parametrize("filterset", project_filtersets(), ids=lambda cls: cls.__name__)
def test_every_filterset_names_its_empty_choice(filterset):
    request = RequestFactory().get("/")
    request.user = all_roles_user()
    html = str(filterset(None, queryset=filterset._meta.model.objects.none(), request=request).form)
    assert_empty_choices_named(html)


@pytest.mark.parametrize(
    "kind", [k for k in all_kinds() if k.params_form is not None], ids=lambda k: k.slug
)
def test_every_report_form_names_its_empty_choice(client, kind):
    # The forms that pick what a report covers: "All sites", "Choose a site".
    client.force_login(all_roles_user())
    response = client.get(reverse("reports:request", args=[kind.slug]))
    assert response.status_code == 200
    assert_empty_choices_named(response.content.decode())


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:staff_list",
        "applications:list",
        "reviews:queue",
        "sites:list",
        "engagements:list",
        "outcomes:program",
        "notifications:mail_log",
    ],
)
def test_list_pages_filters_offer_no_dashes(client, url_name):
    UserFactory(roles=[roles.SITE_LIAISON])  # a liaison to choose from
    client.force_login(all_roles_user())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<select" in html  # the page has its filters
    assert_empty_choices_named(html)


def test_portal_filterset_labels_a_filter_that_declares_nothing():
    from sites.models import Site

    class Bare(PortalFilterSet):
        phase = django_filters.ChoiceFilter(choices=Site.Phase.choices)
        liaison = django_filters.ModelChoiceFilter(queryset=Site.objects.none())
        flagged = django_filters.BooleanFilter(field_name="pk", lookup_expr="isnull")

        class Meta:
            model = Site
            fields = ["phase", "liaison", "flagged"]

    html = str(Bare(None, queryset=Site.objects.none()).form)
    assert EMPTY_CHOICE.findall(html) == ["Any", "Any", "Any"]
