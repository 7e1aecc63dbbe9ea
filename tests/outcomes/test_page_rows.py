"""The Outcomes page's small charts and per-site table, written by outcomes.page_rows, are
byte for byte what the template wrote before from the series (its loops are kept below
as they were)."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from outcomes.models import OutcomeYear
from tests.factories import JurisdictionFactory, SiteFactory
from tests.outcomes.helpers import national_rates, site_with_figures, verified

pytestmark = pytest.mark.django_db

# templates/outcomes/program_outcomes.html's two loops before issue 20's sixth round.
MULTIPLES_FROM_SERIES = Template(
    """{% load links outcomes %}<ul class="usa-list usa-list--unstyled outcomes-multiples grid-row grid-gap" aria-labelledby="multiples-heading">{% url_around 'outcomes:site' as site_url %}
  {% for item, chart in charts %}
    <li class="tablet:grid-col-6 desktop:grid-col-4 outcomes-multiple">
      <h3 class="font-body-sm"><a href="{{ site_url.0 }}{{ item.site.pk }}{{ site_url.1 }}">{{ item.name }}</a></h3>
      {{ chart.svg }}
      <p class="font-body-3xs">{% with latest=item.series.latest %}{% if latest %}{{ latest.year }}: {{ latest.change|one_decimal }}% vs baseline{% if latest.relative is not None %}, {{ latest.relative|one_decimal }} points vs the nation{% endif %}{% else %}No verified figures after the baseline{% endif %}{% endwith %}</p>
    </li>
  {% empty %}<li>No sites match.</li>{% endfor %}
</ul>"""
)
TABLE_FROM_SERIES = Template(
    """{% load outcomes %}<tbody>
  {% for item, chart in charts %}{% with latest=item.series.latest %}
    <tr>
      <th scope="row">{{ item.name }}</th>
      <td>{{ item.series.baseline_rate|one_decimal|default:"Missing" }}</td>
      <td>{{ latest.year|default:"—" }}</td>
      <td>{% if latest %}{{ latest.rate|one_decimal }}{% else %}—{% endif %}</td>
      <td>{% if latest %}{{ latest.change|one_decimal }}%{% else %}—{% endif %}</td>
      <td>{% if latest.national_change is not None and latest %}{{ latest.national_change|one_decimal }}%{% else %}—{% endif %}</td>
      <td>{% if latest.relative is not None and latest %}{{ latest.relative|one_decimal }} points{% else %}—{% endif %}</td>
      <td>{{ item.series.missing_years|join:", "|default:"None" }}</td>
    </tr>
  {% endwith %}{% endfor %}
  </tbody>"""
)


def _multiples(html: str) -> str:
    found = re.search(
        r'<ul class="usa-list usa-list--unstyled outcomes-multiples.*?</ul>', html, re.S
    )
    # Without the comment (new) or the url_around tag (old) that opens the list.
    return re.sub(r"\{#.*?#\}", "", found.group(0), count=1)


def _tbody(html: str) -> str:
    body = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    # The loops' whitespace differs only in the lines of their own tags.
    return re.sub(r"\n\s*\n", "\n", body)


def _site(name, cohort=2019, **kwargs):
    return SiteFactory(
        jurisdiction=JurisdictionFactory(name=name, state="OH"),
        cohort_year=cohort,
        start_date=datetime.date(cohort, 10, 1),
        expected_end_date=datetime.date(cohort + 3, 10, 1),
        **kwargs,
    )


def test_sites_are_written_as_the_template_wrote_them_from_the_series(client, reviewer):
    national_rates()  # national rates 2016-2020
    site_with_figures(jurisdiction=JurisdictionFactory(name='O\'Brien & "Sons" <Town>'))
    rising = _site("Risetown")
    for year in (2016, 2017, 2018):
        verified(rising, year, 1000)
    verified(rising, 2019, 1100)
    # A change after the national rates end: no national change, no relative figure.
    late = _site("Latetown", cohort=2021)
    for year in (2018, 2019, 2020):
        verified(late, year, 1000)
    verified(late, 2022, 900)
    # Figures entered but not verified: no baseline rate, no latest year.
    unverified = _site("Draftville")
    OutcomeYear.objects.create(site=unverified, year=2017, status="draft", is_baseline=True)
    _site("Emptyville")
    client.force_login(reviewer)

    response = client.get(reverse("outcomes:program"))

    charts = response.context["charts"]
    assert len(charts) == 5
    html = response.content.decode()
    expected = MULTIPLES_FROM_SERIES.render(Context({"charts": charts}))
    assert _multiples(html) == _multiples(expected)
    expected_table = TABLE_FROM_SERIES.render(Context({"charts": charts}))
    assert _tbody(html) == _tbody(expected_table)
    for text in (
        "O&#x27;Brien &amp; &quot;Sons&quot; &lt;Town&gt;, OH (2019)",
        "2019: -11.3% vs baseline, ",
        "No verified figures after the baseline",
        "<td>Missing</td>",
        "<td>—</td>",
        "2022: -10.0% vs baseline</p>",
    ):
        assert text in expected + expected_table, text


def test_no_site_says_so(client, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("outcomes:program")).content.decode()
    assert _multiples(html) == _multiples(MULTIPLES_FROM_SERIES.render(Context({"charts": []})))
    assert "<li>No sites match.</li>" in html
