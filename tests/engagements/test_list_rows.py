"""The rows of the engagement list, the program view and the site page's timeline,
written by engagements.list_rows, are byte for byte what the templates wrote before from
the models (their loops are kept below as they were)."""

import datetime
import decimal
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement
from sites.models import Site, SitePhase
from tests.factories import EngagementFactory, JurisdictionFactory, SiteFactory, UserFactory

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


# templates/sites/program_view.html's rows before issue 20's fourth round.
PROGRAM_ROWS_FROM_MODELS = Template(
    """{% load links site_lists %}<tbody>{# The rows' link head and year label, made once for the page (links). #}{% url_head 'sites:detail' as site_url %}{% with year_label=year|stringformat:"d" %}
    {% for site in sites %}
      <tr>
        <th scope="row" data-label="Site"><a href="{{ site_url }}{{ site.pk }}/">{{ site.jurisdiction.name }}, {{ site.jurisdiction.state }}</a></th>
        <td data-label="Cohort">{{ site.cohort_year }}</td>
        <td data-label="Phase">{{ site.get_phase_display }}</td>
        <td data-label="Liaison">{{ site.liaison.get_full_name|default:"Not assigned" }}</td>
        <td data-label="Last engagement">{{ site.last_engagement_on|month_day_year|default:"None yet" }}</td>
        <td data-label="Engagements {{ year_label }}">{{ site.engagements_this_year }}</td>
        <td data-label="Hours {{ year_label }}">{{ site.hours_this_year|hours }}</td>
      </tr>
    {% empty %}<tr><td colspan="7">No sites yet.</td></tr>{% endfor %}{% endwith %}
  </tbody>"""
)


def test_program_rows_are_written_as_the_template_wrote_them(client, program_admin):
    year = timezone.localdate().year
    busy = SiteFactory(
        jurisdiction=JurisdictionFactory(name="<Busy> & 'Co'", state="TX"),
        liaison=UserFactory(full_name="Pat O'Neil <PO>"),
    )
    EngagementFactory(site=busy, delivered=True, hours=decimal.Decimal("2.25"),
                      start_date=datetime.date(year, 1, 9), end_date=datetime.date(year, 1, 9))  # fmt: skip
    EngagementFactory(site=busy, delivered=True, hours=decimal.Decimal("4"),
                      start_date=datetime.date(year, 2, 1), end_date=datetime.date(year, 2, 3))  # fmt: skip
    SiteFactory(liaison=None)  # no liaison, no engagement
    SiteFactory(liaison=UserFactory(full_name="", email="nameless@example.gov"))
    client.force_login(program_admin)

    response = client.get(reverse("sites:program"))

    sites = response.context["sites"]
    assert len(sites) == 3
    expected = _tbody(
        PROGRAM_ROWS_FROM_MODELS.render(Context({"sites": sites, "year": response.context["year"]}))
    )
    assert _tbody(response.content.decode()) == expected
    for text in ("&lt;Busy&gt; &amp; &#x27;Co&#x27;, TX", "Pat O&#x27;Neil &lt;PO&gt;", "6.3",
                 "Not assigned", "None yet", "nameless@example.gov", "Feb 3, " + str(year)):  # fmt: skip
        assert text in expected


# templates/sites/site_detail.html's timeline before issue 20's fifth round.
TIMELINE_FROM_MODELS = Template(
    """<ol class="usa-process-list">
  {% for day, kind, item in timeline %}
    <li class="usa-process-list__item">
      {% if kind == "phase" %}
        <h3 class="usa-process-list__heading">{{ day|date:"F j, Y" }}: {{ item.get_phase_display }} phase began</h3>
        {% if internal and item.note %}<p>{{ item.note }}</p>{% endif %}
      {% else %}
        <h3 class="usa-process-list__heading">{{ day|date:"F j, Y" }}: <a href="{% url 'engagements:detail' item.pk %}">{{ item.title }}</a></h3>
        <p>{{ item.get_type_display }}, {{ item.get_delivery_display|lower }}{% if internal %} <span class="usa-tag">{{ item.get_status_display }}</span>{% endif %} <span class="text-base">{{ item.tracking_number }}</span></p>
      {% endif %}
    </li>
  {% empty %}
    <li class="usa-process-list__item"><p>Nothing recorded yet.</p></li>
  {% endfor %}
</ol>"""
)


def _timeline(html: str) -> str:
    """The timeline's markup, without the whitespace between tags: the old template's
    branches left blank lines that the rows written in Python (issue 20, seventh round)
    do not; every element, attribute and text is compared."""
    found = re.search(r'<ol class="usa-process-list">.*?</ol>', html, re.S).group(0)
    return re.sub(r">\s+<", "><", found)


def _old_timeline(site, internal: bool) -> str:
    """The timeline as the site page built it before: its query, sort and template."""
    phases = list(SitePhase.objects.filter(site=site).order_by("started_on", "pk"))
    visible = Engagement.objects.filter(site=site)
    if not internal:
        visible = visible.filter(status=Engagement.Status.DELIVERED)
    engagements = list(visible.order_by("-start_date", "-pk")[:25])
    timeline = sorted(
        [(p.started_on, "phase", p) for p in phases]
        + [(e.start_date, "engagement", e) for e in engagements],
        key=lambda item: (item[0], item[1] != "phase"),
        reverse=True,
    )
    return TIMELINE_FROM_MODELS.render(Context({"timeline": timeline, "internal": internal}))


@pytest.mark.parametrize("reader", ["program_admin", "applicant"])
def test_the_timeline_is_written_as_the_template_wrote_it(client, reader, request):
    site = SiteFactory(phase_started_on=datetime.date(2025, 3, 4))
    SitePhase.objects.create(site=site, phase=Site.Phase.IMPLEMENTATION,
                             started_on=datetime.date(2026, 1, 9), note="Plan <approved> & 'signed'")  # fmt: skip
    # The same day as a phase change, an engagement of each status, one of each kind.
    EngagementFactory(site=site, delivered=True, title="<i>Same</i> day & 'quoted'",
                      start_date=datetime.date(2026, 1, 9), delivery=Engagement.Delivery.VIRTUAL)  # fmt: skip
    EngagementFactory(site=site, planned=True, start_date=datetime.date(2026, 2, 1))
    EngagementFactory(site=site, cancelled=True, start_date=datetime.date(2025, 12, 31))
    for kind in Engagement.Type.values:
        EngagementFactory(
            site=site, type=kind, delivered=True, start_date=datetime.date(2025, 6, 1)
        )
    user = request.getfixturevalue(reader)
    if reader == "applicant":
        user.jurisdiction = site.jurisdiction
        user.save()
    client.force_login(user)

    response = client.get(reverse("sites:detail", args=[site.pk]))

    assert response.status_code == 200
    internal = reader == "program_admin"
    assert response.context["internal"] is internal
    expected = _timeline(_old_timeline(site, internal))
    assert _timeline(response.content.decode()) == expected
    assert ("Plan &lt;approved&gt; &amp; &#x27;signed&#x27;" in expected) is internal
    assert "&lt;i&gt;Same&lt;/i&gt; day &amp; &#x27;quoted&#x27;" in expected
    assert expected.count("phase began") == 2
    assert ("Planned" in expected) is internal


def test_a_site_with_nothing_recorded_says_so(client, program_admin):
    site = SiteFactory()
    SitePhase.objects.filter(site=site).delete()
    client.force_login(program_admin)
    html = client.get(reverse("sites:detail", args=[site.pk])).content.decode()
    assert _timeline(html) == _timeline(_old_timeline(site, True))
    assert "Nothing recorded yet." in _timeline(html)
