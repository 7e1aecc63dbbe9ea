"""Django's {# #} comment ends at the line's end: one spanning two lines is printed as text
(it once put "{# No wrapper: WeasyPrint ..." on the first page of every PDF report)."""

from pathlib import Path

from django.conf import settings

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    path for path in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in path.parts
]


def test_no_template_comment_spans_lines():
    unclosed = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.*"):
            if template.suffix not in (".html", ".txt", ".xml", ".svg", ".css"):
                continue
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if line.count("{#") > line.count("#}"):
                    unclosed.append(f"{template.relative_to(settings.BASE_DIR)}:{number}")
    assert TEMPLATE_DIRS and not unclosed, (
        "use {% comment %} for comments over several lines: " + ", ".join(unclosed)
    )
