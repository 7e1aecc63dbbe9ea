"""The engagement list's rows, written by engagements.list_rows, are byte for byte what
the template wrote before from the models (its loop is kept below as it was)."""

import datetime
import decimal
import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from engagements.models import Engagement
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory

pytestmark = pytest.mark.django_db

# templates/engagements/engagement_list.html's rows before issue 20's fourth round.
ROWS_FROM_MODELS = Template(
    """{% load links %}<tbody>{# The rows' link heads, made once for the page (links). #}{% url_head 'engagements:detail' as engagement_url %}{% url_head 'sites:detail' as site_url %}
    {% for engagement in page %}
      <tr>
        <td data-label="Dates">{{ engagement.start_date|date:"M j, Y" }}</td>
        <th scope="row" data-label="Engagement"><a href="{{ engagement_url }}{{ engagement.pk }}/">{{ engagement.title }}</a><br><span class="text-base">{{ engagement.tracking_number }}</span></th>
        <td data-label="Site"><a href="{{ site_url }}{{ engagement.site_id }}/">{{ engagement.site.jurisdiction.name }}, {{ engagement.site.jurisdiction.state }}</a></td>
        <td data-label="Type">{{ engagement.get_type_display }}</td>
        <td data-label="Status"><span class="usa-tag">{{ engagement.get_status_display }}</span></td>
        <td data-label="Hours">{{ engagement.hours|default_if_none:"" }}</td>
      </tr>
    {% empty %}<tr><td colspan="6">No engagements match.</td></tr>{% endfor %}
  </tbody>"""
)


def _tbody(html: str) -> str:
    # The page's one table body, from the comment that opens it.
    body = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    return re.sub(r"<tbody>\{#.*?#\}|<tbody>[^\n]*", "<tbody>", body, count=1)


def test_rows_are_written_as_the_template_wrote_them_from_the_models(client, reviewer):
    tricky = SiteFactory(
        jurisdiction=JurisdictionFactory(name='O\'Brien & "Sons" <Town>', state="NY")
    )
    EngagementFactory(site=tricky, title="<b>Bold</b> & 'quoted'", delivered=True,
                      hours=decimal.Decimal("12.50"), start_date=datetime.date(2026, 3, 5))  # fmt: skip
    EngagementFactory(planned=True, hours=None, start_date=datetime.date(2025, 12, 31))
    EngagementFactory(cancelled=True, hours=decimal.Decimal("0"), type=Engagement.Type.TRAINING,
                      start_date=datetime.date(2024, 1, 1))  # fmt: skip
    for kind in Engagement.Type.values:
        EngagementFactory(type=kind, delivered=True, hours=decimal.Decimal("1.25"))
    client.force_login(reviewer)

    response = client.get(reverse("engagements:list"))

    engagements = list(response.context["page"].object_list)
    assert len(engagements) == 3 + len(Engagement.Type.values)
    expected = _tbody(ROWS_FROM_MODELS.render(Context({"page": engagements})))
    assert _tbody(response.content.decode()) == expected
    assert "O&#x27;Brien &amp; &quot;Sons&quot; &lt;Town&gt;, NY" in expected
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &#x27;quoted&#x27;" in expected


def test_an_empty_list_says_so(client, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("engagements:list")).content.decode()
    assert _tbody(html) == _tbody(ROWS_FROM_MODELS.render(Context({"page": []})))
    assert "No engagements match." in html
