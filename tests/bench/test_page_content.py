"""Each key page lists the same rows and links as before issue 20's speed-ups.

The snapshots in page_content/ were recorded from the pages before any speed-up, on
the same generated data at a fixed moment; a faster page that drops a row, a cell or a
link fails here. Record them again (after a deliberate change of content) with
PSP_RECORD_PAGE_CONTENT=1.
"""

import datetime
import json
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from lxml import html as lxml_html

from bench import datagen
from bench.pages import key_pages

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).parent / "page_content"
MOMENT = datetime.datetime(2026, 6, 15, 14, 0, tzinfo=datetime.UTC)
KEY_PAGES = [
    "review_queue", "review_queue_reviewer", "slate", "soi_detail_staff", "soi_detail_applicant",
    "site_list", "site_page", "site_page_1000_engagements", "liaison_workspace",
    "engagement_list", "program_view", "outcomes_page", "site_outcomes", "applicant_dashboard",
    "applicant_soi_list",
]  # fmt: skip
_NUMBER = re.compile(r"(?<=/)\d+(?=/|$|\?)|(?<==)\d+(?=&|$)")


def _ids_in_order(hrefs: list[str]) -> list[str]:
    """Database ids differ from run to run: number them in order of first appearance."""
    seen: dict[str, int] = {}

    def canonical(match):
        return f"<{seen.setdefault(match.group(0), len(seen))}>"

    # Page numbers and years are numbered too: harmless, as the order is the same.
    return [_NUMBER.sub(canonical, href) for href in hrefs]


def content(body: bytes) -> dict:
    """The rows (text of each cell of each table body row) and links of the page's main."""
    tree = lxml_html.fromstring(body)
    main = tree.find(".//main")
    root = main if main is not None else tree
    rows = [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        for row in root.xpath(".//tbody/tr")
    ]
    hrefs = [a.get("href") for a in root.xpath(".//a[@href]")]
    return {"rows": rows, "links": _ids_in_order(hrefs)}


@pytest.fixture
def pages(tiny):
    with time_machine.travel(MOMENT, tick=False):
        datagen.generate(scale=1, seed=5)
        yield {p.key: p for p in key_pages()}


@pytest.mark.parametrize("key", KEY_PAGES)
def test_key_page_renders_the_same_rows_and_links_as_before(pages, key):
    page = pages[key]
    client = Client()
    client.force_login(page.user)
    with time_machine.travel(MOMENT, tick=False):
        response = client.get(page.url)
    assert response.status_code == 200
    found = content(response.content)
    snapshot = SNAPSHOTS / f"{key}.json"
    if os.environ.get("PSP_RECORD_PAGE_CONTENT"):
        SNAPSHOTS.mkdir(exist_ok=True)
        snapshot.write_text(json.dumps(found, indent=1) + "\n")
    expected = json.loads(snapshot.read_text())
    assert found["rows"] == expected["rows"]
    assert found["links"] == expected["links"]
