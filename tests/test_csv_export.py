import csv
import io
from decimal import Decimal

from exports.csv import csv_cell, csv_download


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised():
    assert csv_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_cell("+1") == "'+1" and csv_cell("-2") == "'-2" and csv_cell("@SUM") == "'@SUM"
    assert csv_cell("City of Toledo") == "City of Toledo"
    assert csv_cell(None) == "" and csv_cell(12.5) == "12.5"


def test_numbers_the_portal_computed_stay_numbers_even_when_negative():
    assert (
        csv_cell(-11.3) == "-11.3" and csv_cell(Decimal("-0.5")) == "-0.5" and csv_cell(-2) == "-2"
    )
    # Typed text that merely looks like a number is still guarded.
    assert csv_cell("-2") == "'-2"
    assert csv_cell(True) == "True"


def test_download_is_an_attachment_with_header_and_rows():
    response = csv_download("sites", ["Name", "State"], [["Toledo", "OH"], ["=cmd", "TX"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="psp-sites-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Name", "State"], ["Toledo", "OH"], ["'=cmd", "TX"]]
