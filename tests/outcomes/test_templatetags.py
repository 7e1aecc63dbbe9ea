from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string

from outcomes.arithmetic import CohortSummary, SummaryFigure
from outcomes.templatetags.outcomes import figure_items, name_items, one_decimal


def test_one_decimal_writes_what_floatformat_writes():
    values = ["-0.0", "0.0", "0", "-0.04", "0.05", "-11.3", "12.25", "1242.7", "-100.0", "99999.9"]
    for text in values:
        value = Decimal(text)
        assert one_decimal(value) == floatformat(value, 1), text
    for other in (None, "", 2.25, 3, Decimal("NaN")):
        assert one_decimal(other) == floatformat(other, 1), other


def test_summary_lists_escape_names_and_say_none_yet_when_empty():
    assert name_items([]) == "<li>None yet.</li>"
    assert figure_items([], "%") == "<li>None yet.</li>"
    assert name_items(["A & B, OH (2019)"]) == "<li>A &amp; B, OH (2019)</li>"
    items = [("X, OH (2019)", Decimal("-11.3"), 2019), ("Y, <b> (2020)", Decimal("-0.0"), 2021)]
    assert figure_items(items, " points") == (
        "<li>X, OH (2019): -11.3 points (2019)</li><li>Y, &lt;b&gt; (2020): 0.0 points (2021)</li>"
    )


def test_summary_renders_as_the_template_loop_did():
    sites = [
        ("Falltown, OH (2019)", Decimal("-11.3"), 2019),
        ("R&D, TX (2019)", Decimal("10.0"), 2019),
    ]
    summary = CohortSummary(
        site_count=3,
        with_data=[name for name, _value, _year in sites],
        median_change=SummaryFigure(Decimal("-0.7"), sites),
        median_relative=SummaryFigure(None, []),
    )
    html = render_to_string("outcomes/_summary.html", {"summary": summary})
    assert (
        '<ul class="usa-list"><li>Falltown, OH (2019)</li><li>R&amp;D, TX (2019)</li></ul>' in html
    )
    assert (
        '<ul class="usa-list"><li>Falltown, OH (2019): -11.3% (2019)</li>'
        "<li>R&amp;D, TX (2019): 10.0% (2019)</li></ul>" in html
    )
    assert '<ul class="usa-list"><li>None yet.</li></ul>' in html
