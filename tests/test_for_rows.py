"""`{% for_rows %}` (psp_portal/templatetags/rows.py) writes what `{% for %}` writes with
the same body, and refuses a body it could not write the same way."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils.safestring import mark_safe

BODY = (
    '\n  <tr data-year="{{ year }}"><th><a href="{{ row.url }}">{{ row.name }}</a></th>'
    "<td>{{ row.count }}</td><td>{{ label|upper }}</td><td>{{ row.other }}</td></tr>"
)
EMPTY = "<tr><td>Nothing & none.</td></tr>"


def _both(rows, **context):
    loop = Template(f"{{% for row in rows %}}{BODY}{{% empty %}}{EMPTY}{{% endfor %}}")
    fast = Template(
        f"{{% load rows %}}{{% for_rows row in rows %}}{BODY}{{% empty %}}{EMPTY}{{% endfor_rows %}}"
    )
    context = {"rows": rows, "year": 2026, "label": "a <b>", **context}
    return loop.render(Context(context)), fast.render(Context(context))


VALUES = [
    "plain", "O'Brien & \"Sons\" <Town>", "", mark_safe("<em>safe</em>"), 0, 7, -12,
    1234567, True, False, None, Decimal("12.50"), Decimal("0"), 2.5,
    datetime.date(2026, 3, 5), datetime.datetime(2026, 3, 5, 14, 30, tzinfo=datetime.UTC),
    ["a", "<b>"],
]  # fmt: skip


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_each_kind_of_value_is_written_as_for_writes_it(value):
    rows = [{"url": "/x/?a=1&b=2", "name": value, "count": value, "other": value}]
    loop, fast = _both(rows)
    assert fast == loop


def test_many_rows_a_missing_key_and_the_empty_list():
    rows = [{"url": f"/s/{i}/", "name": f"Site <{i}>", "count": i} for i in range(60)]
    loop, fast = _both(rows)
    assert fast == loop and fast.count("<tr") == 60
    assert "<td></td></tr>" in fast  # row.other is missing: nothing, as {% for %} writes
    for nothing in ([], None, (), (r for r in [])):
        loop, fast = _both(nothing)
        assert fast == loop == EMPTY


def test_a_generator_is_read_once():
    rows = ({"url": "/", "name": n, "count": 1} for n in ("a", "b"))
    fast = Template(
        "{% load rows %}{% for_rows row in rows %}[{{ row.name }}]{% empty %}none{% endfor_rows %}"
    ).render(Context({"rows": rows}))
    assert fast == "[a][b]"


def test_with_autoescape_off_nothing_is_escaped():
    rows = [{"url": "/", "name": "<b>&", "count": 3}]
    loop = Template(
        "{% autoescape off %}{% for row in rows %}" + BODY + "{% endfor %}{% endautoescape %}"
    )
    fast = Template(
        "{% load rows %}{% autoescape off %}{% for_rows row in rows %}"
        + BODY
        + "{% endfor_rows %}{% endautoescape %}"
    )
    context = {"rows": rows, "year": 2026, "label": "<i>"}
    assert fast.render(Context(context)) == loop.render(Context(context))
    assert "<b>&" in fast.render(Context(context))


def test_integers_are_grouped_when_the_thousand_separator_is_on(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    loop, fast = _both([{"url": "/", "name": "n", "count": 1234567}])
    assert fast == loop and "1,234,567" in fast


@pytest.mark.parametrize(
    "body",
    [
        "{% if row.name %}x{% endif %}",
        "{{ row.name|upper }}",
        "{{ row.site.name }}",
        "{{ row }}",
        "{% url 'home' %}",
    ],
)
def test_a_body_it_cannot_write_as_for_does_is_refused(body):
    with pytest.raises(TemplateSyntaxError, match="for_rows"):
        Template("{% load rows %}{% for_rows row in rows %}" + body + "{% endfor_rows %}")


def test_the_tag_needs_a_name_and_a_list():
    with pytest.raises(TemplateSyntaxError, match="for_rows row in rows"):
        Template("{% load rows %}{% for_rows rows %}x{% endfor_rows %}")
