"""The site lists' cheap cells (sites.templatetags.site_lists) and liaison filter
write what the generic tags and a ModelChoiceFilter wrote."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse

from accounts import roles
from program.focus_areas import FocusArea
from psp_portal.links import url_head
from sites.filters import SiteFilter, liaison_options
from sites.models import Site, SiteFocusArea
from sites.templatetags.site_lists import hours, month_day_year
from tests.conftest import make_staff
from tests.factories import SiteFactory


def test_month_day_year_writes_what_the_date_filter_writes():
    dates = [datetime.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
    for value in [*dates, datetime.date(999, 5, 4), datetime.date(2024, 2, 29)]:
        assert month_day_year(value) == date_filter(value, "M j, Y")
    moment = datetime.datetime(2026, 3, 5, 23, 30, tzinfo=datetime.UTC)
    assert month_day_year(moment) == date_filter(moment, "M j, Y")
    assert month_day_year(None) == "" and month_day_year("") == ""


def test_hours_writes_what_default_0_floatformat_minus_1_writes():
    values = [None, 0, Decimal("0"), Decimal("0.0"), Decimal("0.04"), Decimal("0.05")]
    values += [Decimal(text) for text in ("1", "12.0", "12.5", "12.04", "12.05", "1234.5")]
    values += [Decimal("99999.95"), Decimal("7E+2"), 3, 2.5]
    for value in values:
        assert hours(value) == floatformat(value or 0, "-1"), value


def test_url_head_and_pk_make_the_detail_url():
    assert url_head("sites:detail") + "42/" == reverse("sites:detail", args=[42])
    rendered = Template(
        "{% load links %}{% url_head 'sites:detail' as head %}{{ head }}{{ pk }}/"
    ).render(Context({"pk": 1234}))
    assert rendered == reverse("sites:detail", args=[1234])


def test_url_head_refuses_a_route_that_does_not_end_with_the_pk():
    with pytest.raises(ValueError):
        url_head("sites:history")  # /sites/<pk>/history/


@pytest.mark.django_db
def test_liaison_filter_lists_liaisons_as_their_names_and_filters_by_them():
    named = make_staff(roles.SITE_LIAISON, full_name="Lee Liaison")
    unnamed = make_staff(roles.SITE_LIAISON, full_name="")
    make_staff(roles.REVIEWER)  # not a liaison
    # Ordered by name, then email: the account without a name (labelled by its email) first.
    assert liaison_options() == [(unnamed.pk, str(unnamed)), (named.pk, str(named))]
    mine, other = SiteFactory(liaison=named), SiteFactory(liaison=unnamed)
    found = SiteFilter({"liaison": str(named.pk)}, queryset=Site.objects.all()).qs
    assert list(found) == [mine] and other not in found
    unknown = SiteFilter({"liaison": "999999"}, queryset=Site.objects.all())
    assert unknown.errors["liaison"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


@pytest.mark.django_db
def test_site_list_cells_read_as_before(client, reviewer):
    liaison = make_staff(roles.SITE_LIAISON, full_name="Lee Liaison")
    site = SiteFactory(
        liaison=liaison, engagement_level="diagnostic", phase_started_on=datetime.date(2025, 3, 5)
    )
    for area in ("technology", "crime_analysis"):
        SiteFocusArea.objects.create(site=site, focus_area=area)
    bare = SiteFactory(liaison=None)
    client.force_login(reviewer)
    body = client.get(reverse("sites:list")).content.decode()
    labels = dict(FocusArea.choices)
    assert f'<a href="/sites/{site.pk}/">' in body and f'<a href="/sites/{bare.pk}/">' in body
    assert f"({site.get_engagement_level_display()})" in body
    assert "since Mar 5, 2025" in body
    assert f"{labels['crime_analysis']}, {labels['technology']}</td>" in body
    assert '<td data-label="Focus areas">None chosen</td>' in body
    assert '<td data-label="Liaison">Not assigned</td>' in body


# templates/sites/site_list.html's rows before issue 20's fifth round.
SITE_ROWS_FROM_MODELS = Template(
    """{% load links site_lists %}<tbody>{# The rows' link head, made once for the page (links). #}{% url_head 'sites:detail' as site_url %}
    {% for site in page %}
      <tr>
        <th scope="row" data-label="Site"><a href="{{ site_url }}{{ site.pk }}/">{{ site.jurisdiction.name }}, {{ site.jurisdiction.state }}</a></th>
        <td data-label="Cohort">{{ site.cohort_year }}{% if site.engagement_level %} ({{ site.get_engagement_level_display }}){% endif %}</td>
        <td data-label="Phase"><span class="usa-tag">{{ site.get_phase_display }}</span> since {{ site.phase_started_on|month_day_year }}</td>
        <td data-label="USAO district">{{ site.get_usao_district_display }}</td>
        <td data-label="Liaison">{{ site.liaison.get_full_name|default:"Not assigned" }}</td>
        <td data-label="Focus areas">{{ site.focus_area_rows.all|join:", "|default:"None chosen" }}</td>
      </tr>
    {% empty %}
      <tr><td colspan="6">No sites match.</td></tr>
    {% endfor %}
  </tbody>"""
)


def _tbody(html: str) -> str:
    body = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    return re.sub(r"<tbody>\{#.*?#\}|<tbody>[^\n]*", "<tbody>", body, count=1)


@pytest.mark.django_db
def test_site_list_rows_are_written_as_the_template_wrote_them(client, program_admin):
    from tests.factories import JurisdictionFactory, UserFactory

    tricky = SiteFactory(
        jurisdiction=JurisdictionFactory(name='O\'Brien & "Sons" <Town>', state="NY"),
        liaison=make_staff(roles.SITE_LIAISON, full_name="Pat <O'Neil>"),
        engagement_level="diagnostic",
        phase_started_on=datetime.date(2025, 3, 5),
    )
    for area in ("technology", "crime_analysis", "gun_violence"):
        SiteFocusArea.objects.create(site=tricky, focus_area=area)
    SiteFactory(liaison=None, cohort_year=2026)  # no liaison, level or focus area
    SiteFactory(liaison=UserFactory(full_name="", email="nameless@example.gov"),
                phase=Site.Phase.WITHDRAWN)  # fmt: skip
    client.force_login(program_admin)

    for query in ("", "?phase=withdrawn", "?q=nowhere-at-all"):
        response = client.get(reverse("sites:list") + query)
        sites = list(response.context["page"].object_list)
        expected = _tbody(SITE_ROWS_FROM_MODELS.render(Context({"page": sites})))
        assert _tbody(response.content.decode()) == expected, query
    assert "No sites match." in expected  # the last query matched nothing
    first = _tbody(client.get(reverse("sites:list")).content.decode())
    for text in ("O&#x27;Brien &amp; &quot;Sons&quot; &lt;Town&gt;, NY", "Pat &lt;O&#x27;Neil&gt;",
                 "2024 (", "since Mar 5, 2025", "Not assigned", "None chosen"):  # fmt: skip
        assert text in first
