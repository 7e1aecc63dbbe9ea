"""Each key page lists the same rows and links as before issue 20's speed-ups.

The snapshots in page_content/ were recorded from the pages before any speed-up, on
the same generated data at a fixed moment; a faster page that drops a row, a cell or a
link fails here. Record them again (after a deliberate change of content) with
PSP_RECORD_PAGE_CONTENT=1.
"""

import datetime
import json
import os
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
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
    return {"rows": rows, "links": hrefs}


def _restart_ids() -> None:
    """Ids (in links, and in generated names) start after the rows migrations made, as
    in a fresh database, whatever earlier tests used up."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


@pytest.fixture
def pages(tiny):
    _restart_ids()
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
