"""The review queue's and the slate's rows, written by reviews.page_rows, are byte for byte
what the templates wrote before from the QueueRows (their loops are kept below as they
were), for every kind of cell: a reviewer's own review, no figures, no population, an
overridden screening, decisions released or not, with and without the right to decide."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Jurisdiction
from applications.models import Application
from reviews.models import Decision
from reviews.services import screening_override
from tests.factories import ApplicationFactory
from tests.reviews.factories import DecisionFactory, ReviewFactory, assign

pytestmark = pytest.mark.django_db

# templates/reviews/queue.html's rows before issue 20's seventh round.
QUEUE_FROM_ROWS = Template(
    """{% load humanize links %}<tbody>{# The rows' link head, made once for the page (links). #}{% url_head 'reviews:application' as soi_url %}
    {% for row in page %}
      <tr>
        <th scope="row" data-label="Reference"><a href="{{ soi_url }}{{ row.application.pk }}/">{{ row.application.reference_number }}</a></th>
        <td data-label="Jurisdiction">{{ row.application.jurisdiction.name }}</td>
        <td data-label="State">{{ row.application.jurisdiction.state }}</td>
        <td data-label="Population">{{ row.application.population|intcomma|default_if_none:"-" }}</td>
        <td data-label="Latest rate">{% if row.latest_rate %}{{ row.latest_rate.rate }} ({{ row.latest_rate.year }}){% else %}-{% endif %}</td>
        <td data-label="Ratio">{% if row.latest_rate.ratio %}{{ row.latest_rate.ratio }} x{% else %}-{% endif %}</td>
        <td data-label="Screening"><span class="usa-tag">{{ row.screening.result_label }}</span></td>
        <td data-label="Reviews">{{ row.review_count }} of {{ row.assignments|length }}</td>
        <td data-label="Average score">{% if row.average_score is not None %}{{ row.average_score }} / {{ row.max_total }}{% else %}-{% endif %}</td>
        <td data-label="Status">{{ row.status_label }}{% if row.my_assignment %}<br>My review: {% if row.my_review %}{{ row.my_review.get_status_display }}{% else %}not started{% endif %}{% endif %}</td>
      </tr>
    {% empty %}
      <tr><td colspan="10">No Statements of Interest match.</td></tr>
    {% endfor %}
  </tbody>"""
)
# templates/reviews/slate.html's rows before issue 20's seventh round.
SLATE_FROM_ROWS = Template(
    """{% load links %}<tbody>{# The rows' links, reversed once for the page (links). #}{% url_head 'reviews:application' as soi_url %}{% url_around 'reviews:decide' as decide_url %}
    {% for row in rows %}
      <tr>
        <td data-label="Rank">{{ page.start_index|add:forloop.counter0 }}</td>
        <th scope="row" data-label="Statement of Interest"><a href="{{ soi_url }}{{ row.application.pk }}/">{{ row.application.jurisdiction.name }}, {{ row.application.jurisdiction.state }}</a><br>{{ row.application.reference_number }}</th>
        <td data-label="Average score">{% if row.average_score is not None %}{{ row.average_score }} / {{ row.max_total }}{% else %}-{% endif %}</td>
        <td data-label="Reviews">{{ row.review_count }} of {{ row.assignments|length }}</td>
        <td data-label="Latest rate">{% if row.latest_rate %}{{ row.latest_rate.rate }} ({{ row.latest_rate.ratio|default_if_none:"-" }} x){% else %}-{% endif %}</td>
        <td data-label="Screening"><span class="usa-tag">{{ row.screening.result_label }}</span>{% if row.screening.overridden %} (overridden){% endif %}</td>
        <td data-label="Decision">{% if row.decision %}{{ row.decision.get_outcome_display }}{% if row.decision.released_at %} (released){% else %} (not released){% endif %}{% elif can_decide %}<a href="{{ decide_url.0 }}{{ row.application.pk }}{{ decide_url.1 }}">Record decision</a>{% else %}None yet{% endif %}</td>
      </tr>
    {% empty %}
      <tr><td colspan="7">No submitted Statements of Interest in this cycle.</td></tr>
    {% endfor %}
  </tbody>"""
)


def _tbody(html: str) -> str:
    body = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    # Without the comment (new) or the link tags (old) that open the body.
    return re.sub(r"^<tbody>[^\n]*", "<tbody>", body)


@pytest.fixture
def varied_sois(cycle, reviewer, other_reviewer, selecting_official):
    """SOIs that between them take every branch of the rows' cells."""
    marked = ApplicationFactory(cycle=cycle, submitted=True)
    Jurisdiction.objects.filter(pk=marked.jurisdiction_id).update(
        name='O\'Brien & "Sons" <Town>', state="OH"
    )
    ReviewFactory(assignment=assign(marked, other_reviewer), submitted=True, score_severity=5)
    ReviewFactory(assignment=assign(marked, reviewer))  # the reviewer's own draft
    scored = ApplicationFactory(cycle=cycle, submitted=True)
    ReviewFactory(assignment=assign(scored, reviewer), submitted=True)
    assign(ApplicationFactory(cycle=cycle, submitted=True), reviewer)  # not started
    no_figures = ApplicationFactory(cycle=cycle, submitted=True)
    no_figures.crime_figures.all().delete()
    Application.objects.filter(pk=no_figures.pk).update(population=None)
    assign(no_figures, reviewer)
    overridden = ApplicationFactory(cycle=cycle, submitted=True)
    screening_override(
        application=overridden,
        check_key="overall",
        result="pass",
        reason="Figures confirmed by phone.",
        actor=selecting_official,
    )
    released = ApplicationFactory(cycle=cycle, submitted=True)
    DecisionFactory(
        application=released,
        decided_by=selecting_official,
        outcome=Decision.Outcome.SELECTED,
        released_at=released.submitted_at,
    )
    DecisionFactory(
        application=ApplicationFactory(cycle=cycle, submitted=True),
        decided_by=selecting_official,
    )
    return cycle


@pytest.mark.parametrize("who", ["reviewer", "selecting_official"])
def test_queue_rows_are_written_as_the_template_wrote_them(client, varied_sois, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("reviews:queue"))

    page = response.context["page"]
    assert len(page.object_list) == (4 if who == "reviewer" else 7)
    html = response.content.decode()
    expected = QUEUE_FROM_ROWS.render(Context({"page": page}))
    # The one deliberate change: intcomma turned an unknown population into "None", so
    # default_if_none never applied; the cell now says "-" as its neighbours do.
    assert expected.count('"Population">None</td>') == 1
    expected = expected.replace('"Population">None</td>', '"Population">-</td>')
    assert _tbody(html) == _tbody(expected)
    for text in ("O&#x27;Brien &amp; &quot;Sons&quot; &lt;Town&gt;", '"Population">-</td>'):
        assert text in html
    if who == "reviewer":
        for text in ("My review: Draft", "My review: Submitted", "My review: not started"):
            assert text in html


@pytest.mark.parametrize("who", ["selecting_official", "program_admin"])
def test_slate_rows_are_written_as_the_template_wrote_them(client, varied_sois, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("reviews:slate", args=[varied_sois.pk]))

    context = response.context
    assert len(context["rows"]) == 7
    html = response.content.decode()
    expected = SLATE_FROM_ROWS.render(
        Context(
            {"page": context["page"], "rows": context["rows"], "can_decide": context["can_decide"]}
        )
    )
    assert _tbody(html) == _tbody(expected)
    assert "(overridden)" in html and "Selected (released)" in html
    assert ("Record decision</a>" in html) is (who == "selecting_official")


def test_empty_lists_say_so(client, cycle, selecting_official):
    client.force_login(selecting_official)
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert '<tr><td colspan="10">No Statements of Interest match.</td></tr>' in queue
    slate = client.get(reverse("reviews:slate", args=[cycle.pk])).content.decode()
    assert (
        '<tr><td colspan="7">No submitted Statements of Interest in this cycle.</td></tr>' in slate
    )


def test_the_slate_lists_its_changes_of_the_number_of_sites_in_one_query(
    client, cycle, program_admin, selecting_official
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.services import cycle_set_max_sites

    def visit():
        url = reverse("reviews:slate", args=[cycle.pk])
        client.get(url)  # the session and permissions, as any later request
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return html, len(queries.captured_queries)

    cycle_set_max_sites(cycle=cycle, max_sites=3, reason="Three <for> now.", actor=program_admin)
    client.force_login(selecting_official)
    _, one = visit()
    selecting_official.full_name = ""
    selecting_official.save()
    cycle.refresh_from_db()
    cycle_set_max_sites(
        cycle=cycle, max_sites=None, reason="No cap & no limit.", actor=program_admin
    )

    html, two = visit()

    assert two == one
    assert f": {program_admin.full_name} changed it from no limit to 3. " in html
    assert "changed it from 3 to no limit. " in html
    assert '<span class="portal-wrap">Three &lt;for&gt; now.</span>' in html
    assert html.count(f"{program_admin.full_name} changed it") == 2
